import type { Clock } from '../clock'
import type { FunctionDefinition, TimerTrigger } from './catalog'

/** The event CloudBase passes to a function its timer trigger fired. */
export interface TimerEvent {
  Type: 'Timer'
  TriggerName: string
  /** The scheduled time that came due, ISO 8601 UTC without milliseconds. */
  Time: string
  Message: string
}

interface ScheduledTrigger {
  functionName: string
  trigger: TimerTrigger
  /** Next scheduled time on the local clock (epoch ms); undefined once the cron has no future time. */
  dueAt?: number
}

/** Longest delay setTimeout accepts. */
const MAX_DELAY_MS = 2 ** 31 - 1

/**
 * Fires timer triggers on the local clock: a trigger whose scheduled time has come, because
 * real time passed or because the clock was moved forward, fires once. A jump over several
 * scheduled times fires it once, not once per missed time (a catch-up storm is never what a
 * demo or a test wants; functions read the current time themselves), and the next firing is
 * the first scheduled time after the new present.
 */
export class TimerTriggers {
  private readonly scheduled: ScheduledTrigger[] = []
  private timer?: NodeJS.Timeout
  private unsubscribe?: () => void
  private running = false

  constructor(
    private readonly clock: Clock,
    private readonly fire: (functionName: string, event: TimerEvent) => void,
  ) {}

  start(functions: FunctionDefinition[]): void {
    const now = this.clock.now()
    for (const definition of functions) {
      for (const trigger of definition.triggers) {
        this.scheduled.push({ functionName: definition.name, trigger, dueAt: trigger.cron.nextAfter(now) })
      }
    }
    this.running = true
    this.unsubscribe = this.clock.onChange(() => this.fireDue())
    this.arm()
  }

  stop(): void {
    this.running = false
    this.unsubscribe?.()
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  /** When each trigger fires next (local clock), for `/_local/functions`. */
  nextFiring(functionName: string, triggerName: string): number | undefined {
    return this.scheduled.find((s) => s.functionName === functionName && s.trigger.name === triggerName)?.dueAt
  }

  private fireDue(): void {
    if (!this.running) return
    const now = this.clock.now()
    for (const item of this.scheduled) {
      if (item.dueAt === undefined || item.dueAt > now) continue
      const event: TimerEvent = {
        Type: 'Timer',
        TriggerName: item.trigger.name,
        Time: new Date(item.dueAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        Message: '',
      }
      item.dueAt = item.trigger.cron.nextAfter(now)
      this.fire(item.functionName, event)
    }
    this.arm()
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (!this.running) return
    const due = this.scheduled.map((s) => s.dueAt).filter((t): t is number => t !== undefined)
    if (due.length === 0) return
    const delay = Math.min(Math.max(Math.min(...due) - this.clock.now(), 0), MAX_DELAY_MS)
    this.timer = setTimeout(() => this.fireDue(), delay)
    this.timer.unref()
  }
}
