import { CronExpressionParser } from 'cron-parser'

/** CloudBase timer triggers fire on China Standard Time (UTC+8, no daylight saving). */
export const TRIGGER_TIME_ZONE = 'Asia/Shanghai'
const TZ_OFFSET_MS = 8 * 3600_000
const FIRST_YEAR = 1970
const LAST_YEAR = 2099

/** A parsed CloudBase cron expression. */
export interface CloudbaseCron {
  readonly expression: string
  /** The first scheduled time strictly after `afterMs` (epoch ms), or undefined if none is left. */
  nextAfter(afterMs: number): number | undefined
}

function yearOf(epochMs: number): number {
  return new Date(epochMs + TZ_OFFSET_MS).getUTCFullYear()
}

function startOfYear(year: number): number {
  return Date.UTC(year, 0, 1) - TZ_OFFSET_MS
}

/** Years allowed by the 7th field: `*`, `n`, `a-b`, lists of those, each with an optional `/step`. */
function parseYearField(field: string, expression: string): (year: number) => boolean {
  if (field === '*' || field === '?') return () => true
  const allowed = new Set<number>()
  for (const part of field.split(',')) {
    const m = /^(\*|\d{4})(?:-(\d{4}))?(?:\/(\d+))?$/.exec(part)
    if (!m) throw new Error(`cron "${expression}": year field "${field}" is not understood (use *, 2025, 2025-2030, */2 or a list)`)
    const from = m[1] === '*' ? FIRST_YEAR : Number(m[1])
    const to = m[2] ? Number(m[2]) : m[1] === '*' || m[3] ? LAST_YEAR : from
    const step = m[3] ? Number(m[3]) : 1
    if (step < 1 || to < from) throw new Error(`cron "${expression}": year field "${field}" is an empty range`)
    for (let y = from; y <= to; y += step) allowed.add(y)
  }
  return (year) => allowed.has(year)
}

/**
 * Parses a CloudBase timer trigger's cron: seven space-separated fields, second minute hour
 * day-of-month month day-of-week year (https://docs.cloudbase.net/cloud-function/timer-trigger),
 * evaluated in China Standard Time. The first six go to cron-parser; the year is checked here.
 */
export function parseCloudbaseCron(expression: string): CloudbaseCron {
  const fields = expression.trim().split(/\s+/)
  if (fields.length !== 7) {
    throw new Error(`cron "${expression}": CloudBase timer triggers take 7 fields (second minute hour day month weekday year), got ${fields.length}`)
  }
  const sixFields = fields.slice(0, 6).join(' ')
  const yearAllowed = parseYearField(fields[6], expression)
  const scheduleFrom = (fromMs: number) => CronExpressionParser.parse(sixFields, { currentDate: new Date(fromMs), tz: TRIGGER_TIME_ZONE })
  scheduleFrom(Date.UTC(2025, 0, 1)) // throws now on a bad expression, not when the timer first fires

  return {
    expression,
    nextAfter(afterMs: number): number | undefined {
      let from = afterMs
      while (yearOf(from) <= LAST_YEAR) {
        let year = yearOf(from)
        while (!yearAllowed(year) && year <= LAST_YEAR) year++
        if (year > LAST_YEAR) return undefined
        if (year !== yearOf(from)) from = startOfYear(year) - 1
        let next: number
        try {
          next = scheduleFrom(from).next().getTime()
        } catch {
          return undefined
        }
        if (yearAllowed(yearOf(next))) return next
        from = startOfYear(yearOf(next) + 1) - 1 // the loop's head skips to the next allowed year
      }
      return undefined
    },
  }
}
