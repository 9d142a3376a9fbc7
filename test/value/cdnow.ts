/** The CDNOW 1/10 sample (Fader & Hardie), summarised with the published conventions. */
import { readFileSync } from 'fs'
import * as path from 'path'
import { dayNumber, readTransactionLog, summarizeTransactions, type CustomerSummary, type Transaction } from '../../domain/value'

/** The shared data folder beside the repository (CI keeps a copy of shared/ there too). */
export const CDNOW_DIR = path.resolve(__dirname, '../../../shared/data/cdnow')
export const CDNOW_SAMPLE = path.join(CDNOW_DIR, 'CDNOW_sample.txt')
export const CALIBRATION_END = '1997-09-30'
export const HOLDOUT_END = '1998-06-30'

let cached: { transactions: Transaction[]; summaries: CustomerSummary[] } | null = null

export function cdnowSample(): { transactions: Transaction[]; summaries: CustomerSummary[] } {
  if (!cached) {
    const transactions = readTransactionLog(readFileSync(CDNOW_SAMPLE, 'utf8'), 'cdnow-sample')
    const summaries = summarizeTransactions(transactions, { calibrationEnd: dayNumber(CALIBRATION_END), holdoutEnd: dayNumber(HOLDOUT_END) })
    cached = { transactions, summaries }
  }
  return cached
}

export function columnsOf(summaries: readonly CustomerSummary[]) {
  return { x: summaries.map((s) => s.x), tx: summaries.map((s) => s.tx), T: summaries.map((s) => s.T), meanSpend: summaries.map((s) => s.meanRepeatSpend) }
}

/** Asserts |actual/expected - 1| <= tolerance. */
export function expectRelativelyClose(actual: number, expected: number, tolerance: number): void {
  const relative = Math.abs(actual / expected - 1)
  if (!(relative <= tolerance)) throw new Error(`expected ${actual} within ${tolerance * 100}% of ${expected} (off by ${(relative * 100).toFixed(4)}%)`)
}
