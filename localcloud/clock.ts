/**
 * The local cloud's clock: real time plus an offset that tests and demos move forward, so
 * order expiry, timers and `db.serverDate()` can be exercised without waiting.
 */
export class Clock {
  private offsetMs = 0
  private readonly listeners = new Set<(now: number) => void>()

  now(): number {
    return Date.now() + this.offsetMs
  }

  offset(): number {
    return this.offsetMs
  }

  /** Moves the clock forward (never back: timers and expiries only look forward). */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward by a finite, non-negative amount')
    this.offsetMs += ms
    const now = this.now()
    for (const listener of this.listeners) listener(now)
    return now
  }

  /** Sets the clock to an absolute time at or after the present local time. */
  set(epochMs: number): number {
    return this.advance(epochMs - this.now())
  }

  onChange(listener: (now: number) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
