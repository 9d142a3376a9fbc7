/**
 * From a transaction log to per-customer summaries (x, t_x, T, mean repeat spend) with the
 * CDNOW conventions: purchases on the same store day merge into one purchase-day, x counts
 * repeat purchase-days up to the calibration end, t_x = (last - first) / 7 and
 * T = (calibration end - first) / 7 in weeks. Day boundaries are the store's time zone
 * (Asia/Shanghai unless told otherwise): an instant is turned into a store day once, at the
 * edge, with dayjs' utc + timezone plugins; everything after works on day numbers.
 */
import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'
import timezone from 'dayjs/plugin/timezone'
import type { CustomerStats, StoreDay } from '../../typings/value'
import { ValueInputError } from './errors'

dayjs.extend(utc)
dayjs.extend(timezone)

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai'
export const DAYS_PER_WEEK = 7

/** One date formatter per time zone: dayjs's `tz()` builds a new Intl formatter on every call, which showed in the payment path's profile. */
const dayFormatters = new Map<string, Intl.DateTimeFormat>()

function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = dayFormatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', calendar: 'gregory', numberingSystem: 'latn' })
    dayFormatters.set(timeZone, formatter)
  }
  return formatter
}

/** Returns the store day ('YYYY-MM-DD') on which an instant falls in the store's time zone. */
export function storeDayOf(instant: Date | number | string, timeZone: string = DEFAULT_TIME_ZONE): StoreDay {
  const moment = dayjs(instant)
  if (!moment.isValid()) throw new ValueInputError('INVALID_DATE', `not a valid instant: ${String(instant)}`)
  const parts = dayFormatter(timeZone).formatToParts(moment.valueOf())
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`
}

/** Returns the instant (epoch ms) a store day starts at in the store's time zone. */
export function storeDayStart(day: StoreDay, timeZone: string = DEFAULT_TIME_ZONE): number {
  return dayjs.tz(dayString(dayNumber(day)), timeZone).valueOf()
}

/** Returns the hour (0-23) of an instant on the store's clock. */
export function storeHourOf(instant: Date | number, timeZone: string = DEFAULT_TIME_ZONE): number {
  return dayjs(instant).tz(timeZone).hour()
}

/** Returns the day number (days since 1970-01-01) of a calendar day 'YYYY-MM-DD' or 'YYYYMMDD'; throws on anything else. */
export function dayNumber(day: StoreDay): number {
  const dashed = day.length === 10 && day.charCodeAt(4) === 45 && day.charCodeAt(7) === 45
  if (!dashed && day.length !== 8) throw new ValueInputError('INVALID_DATE', `not a calendar day (YYYY-MM-DD or YYYYMMDD): '${day}'`)
  const year = digits(day, 0, 4)
  const month = digits(day, dashed ? 5 : 4, 2)
  const date = digits(day, dashed ? 8 : 6, 2)
  if (year < 0 || month < 1 || month > 12 || date < 1 || date > daysInMonth(year, month)) {
    throw new ValueInputError('INVALID_DATE', `not a calendar day (YYYY-MM-DD or YYYYMMDD): '${day}'`)
  }
  return daysFromCivil(year, month, date)
}

/** Parses `length` decimal digits at `from`; -1 when any is not a digit. */
function digits(text: string, from: number, length: number): number {
  let value = 0
  for (let i = from; i < from + length; i++) {
    const code = text.charCodeAt(i) - 48
    if (code < 0 || code > 9) return -1
    value = value * 10 + code
  }
  return value
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146097 + dayOfEra - 719468
}

/** Returns the calendar day 'YYYY-MM-DD' of a day number (H. Hinnant's civil_from_days). */
export function dayString(day: number): StoreDay {
  const z = day + 719468
  const era = Math.floor(z / 146097)
  const dayOfEra = z - era * 146097
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365)
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153)
  const date = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  const yearText = year >= 1000 ? String(year) : String(year).padStart(4, '0')
  return `${yearText}-${month < 10 ? '0' : ''}${month}-${date < 10 ? '0' : ''}${date}`
}

/** One purchase (a paid order), on a store day, in the input's money units. */
export interface Transaction {
  customerId: string
  /** Day number (see `dayNumber`). */
  day: number
  amount: number
}

/** A customer's calibration summary; times in weeks, money in the input's units. */
export interface CustomerSummary {
  id: string
  x: number
  tx: number
  T: number
  /** Mean spend per repeat purchase-day; 0 when x = 0. */
  meanRepeatSpend: number
  totalSpend: number
  firstDay: number
  lastDay: number
  /** Purchase-days and spend after the calibration end, up to the holdout end. */
  holdoutPurchases: number
  holdoutSpend: number
}

export interface SummaryOptions {
  /** Last day (day number) of the calibration period, inclusive; the "now" of the summaries. */
  calibrationEnd: number
  /** Last day of the holdout period, inclusive; default: no holdout counted. */
  holdoutEnd?: number
}

/**
 * Summarises a transaction log per customer with the CDNOW conventions; customers whose first
 * purchase is after the calibration end are left out (they were not customers yet). The result
 * is in order of first appearance in the log.
 */
export function summarizeTransactions(transactions: readonly Transaction[], options: SummaryOptions): CustomerSummary[] {
  const { calibrationEnd } = options
  const holdoutEnd = options.holdoutEnd ?? calibrationEnd
  const byCustomer = new Map<string, Map<number, number>>()
  for (const transaction of transactions) {
    let days = byCustomer.get(transaction.customerId)
    if (!days) {
      days = new Map()
      byCustomer.set(transaction.customerId, days)
    }
    days.set(transaction.day, (days.get(transaction.day) ?? 0) + transaction.amount)
  }
  const summaries: CustomerSummary[] = []
  for (const [id, spendByDay] of byCustomer) {
    const days = Array.from(spendByDay.keys()).sort((a, b) => a - b)
    const firstDay = days[0]
    if (firstDay > calibrationEnd) continue
    let x = 0
    let lastDay = firstDay
    let repeatSpend = 0
    let totalSpend = 0
    let holdoutPurchases = 0
    let holdoutSpend = 0
    for (const day of days) {
      const spend = spendByDay.get(day) ?? 0
      if (day <= calibrationEnd) {
        totalSpend += spend
        if (day !== firstDay) {
          x++
          repeatSpend += spend
          lastDay = day
        }
      } else if (day <= holdoutEnd) {
        holdoutPurchases++
        holdoutSpend += spend
      }
    }
    summaries.push({
      id,
      x,
      tx: (lastDay - firstDay) / DAYS_PER_WEEK,
      T: (calibrationEnd - firstDay) / DAYS_PER_WEEK,
      meanRepeatSpend: x > 0 ? repeatSpend / x : 0,
      totalSpend,
      firstDay,
      lastDay,
      holdoutPurchases,
      holdoutSpend,
    })
  }
  return summaries
}

/** Returns the model summary (weeks, fen) of stored customer statistics as of the store day `now`. */
export function summaryFromStats(stats: CustomerStats, now: StoreDay | number): CustomerSummary {
  const firstDay = dayNumber(stats.firstPurchaseDay)
  const lastDay = dayNumber(stats.lastPurchaseDay)
  const today = typeof now === 'number' ? now : dayNumber(now)
  assertValidStats(stats, firstDay, lastDay, today)
  const x = stats.repeatPurchaseDays
  return {
    id: stats.customerId,
    x,
    tx: (lastDay - firstDay) / DAYS_PER_WEEK,
    T: (today - firstDay) / DAYS_PER_WEEK,
    meanRepeatSpend: x > 0 ? stats.repeatSpendFen / x : 0,
    totalSpend: stats.firstDaySpendFen + stats.repeatSpendFen,
    firstDay,
    lastDay,
    holdoutPurchases: 0,
    holdoutSpend: 0,
  }
}

function assertValidStats(stats: CustomerStats, firstDay: number, lastDay: number, today: number): void {
  const x = stats.repeatPurchaseDays
  if (!Number.isInteger(x) || x < 0) throw new ValueInputError('INVALID_STATS', `repeatPurchaseDays must be a whole number >= 0, got ${x}`)
  if (lastDay < firstDay) throw new ValueInputError('INVALID_STATS', 'lastPurchaseDay is before firstPurchaseDay')
  if (today < lastDay) throw new ValueInputError('INVALID_STATS', 'the scoring day is before the last purchase day')
  if ((x === 0) !== (lastDay === firstDay)) {
    throw new ValueInputError('INVALID_STATS', 'repeatPurchaseDays is 0 exactly when the last purchase day is the first')
  }
  if (x > lastDay - firstDay) throw new ValueInputError('INVALID_STATS', 'more repeat purchase-days than days between first and last purchase')
  if (!(stats.repeatSpendFen >= 0 && stats.firstDaySpendFen >= 0)) throw new ValueInputError('INVALID_STATS', 'spend must be >= 0 fen')
}

/**
 * Returns the statistics after one more paid purchase on store day `day` (not before the last
 * purchase day): a purchase on the last purchase day merges into it, a later one adds a repeat
 * purchase-day. Equal to recomputing from all purchases with `statsFromPurchases`.
 */
export function recordPurchaseDay(stats: CustomerStats | null, customerId: string, day: StoreDay, amountFen: number): CustomerStats {
  if (!Number.isInteger(amountFen) || amountFen < 0) throw new ValueInputError('INVALID_AMOUNT', `amount must be whole fen >= 0, got ${amountFen}`)
  const dayValue = dayNumber(day)
  const canonicalDay = dayString(dayValue)
  if (!stats) {
    return { customerId, firstPurchaseDay: canonicalDay, lastPurchaseDay: canonicalDay, repeatPurchaseDays: 0, firstDaySpendFen: amountFen, repeatSpendFen: 0 }
  }
  const lastDay = dayNumber(stats.lastPurchaseDay)
  if (dayValue < lastDay) throw new ValueInputError('OUT_OF_ORDER', `purchase on ${day} is before the last purchase day ${stats.lastPurchaseDay}; recompute with statsFromPurchases`)
  if (dayValue === lastDay) {
    return stats.repeatPurchaseDays === 0
      ? { ...stats, firstDaySpendFen: stats.firstDaySpendFen + amountFen }
      : { ...stats, repeatSpendFen: stats.repeatSpendFen + amountFen }
  }
  return { ...stats, lastPurchaseDay: canonicalDay, repeatPurchaseDays: stats.repeatPurchaseDays + 1, repeatSpendFen: stats.repeatSpendFen + amountFen }
}

/** Recomputes a customer's statistics from all their paid purchases (any order); null when there are none. */
export function statsFromPurchases(customerId: string, purchases: ReadonlyArray<{ day: StoreDay; amountFen: number }>): CustomerStats | null {
  const sorted = purchases.map((purchase) => ({ day: dayNumber(purchase.day), amountFen: purchase.amountFen })).sort((a, b) => a.day - b.day)
  let stats: CustomerStats | null = null
  for (const purchase of sorted) stats = recordPurchaseDay(stats, customerId, dayString(purchase.day), purchase.amountFen)
  return stats
}
