/**
 * Replaces the global `Date` so that `new Date()`, `Date()` and `Date.now()` read the local
 * cloud's movable clock (real time plus an offset the main thread keeps in sync), while dates
 * built from a value, `Date.UTC`, `Date.parse` and `instanceof Date` behave as usual. Only
 * installed inside function workers: the same code on CloudBase sees real time.
 */
const RealDate = Date
let offsetMs = 0

export function setClockOffset(ms: number): void {
  offsetMs = ms
}

function localNow(): number {
  return RealDate.now() + offsetMs
}

/** Installs the clock-following `Date` on `globalThis`; idempotent. */
export function installLocalDate(): void {
  if (globalThis.Date !== RealDate) return
  const LocalDate = function (this: unknown, ...args: unknown[]) {
    if (!new.target) return new RealDate(localNow()).toString()
    return Reflect.construct(RealDate, args.length === 0 ? [localNow()] : args, new.target)
  } as unknown as DateConstructor
  Object.setPrototypeOf(LocalDate, RealDate) // static UTC, parse
  Object.defineProperty(LocalDate, 'prototype', { value: RealDate.prototype, writable: false })
  Object.defineProperty(LocalDate, 'now', { value: localNow, writable: true, configurable: true })
  Object.defineProperty(LocalDate, 'name', { value: 'Date' })
  globalThis.Date = LocalDate
}
