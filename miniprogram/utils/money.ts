/**
 * Formats an integer amount of fen as yuan for display: 1990 → '¥19.90', 5 → '¥0.05',
 * -1990 → '-¥19.90'. The only place in the mini program where money becomes text.
 */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`money must be a whole number of fen, got ${fen}`)
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/**
 * A rough amount for sentences, in whole yuan: 12049 → '约 120 元', 40 → '不到 1 元'. For
 * estimates (a customer's value), never for prices.
 */
export function formatApproxYuan(fen: number): string {
  if (!Number.isFinite(fen)) throw new RangeError(`money must be a number of fen, got ${fen}`)
  const yuan = Math.round(fen / 100)
  if (yuan < 1) return '不到 1 元'
  return `约 ${yuan} 元`
}

/**
 * Parses what a person typed as a price in yuan into integer fen, strictly: digits with at most
 * two decimals ('19.9' → 1990, '0.05' → 5, ' 168 ' → 16800). Anything else (empty, negative,
 * '+1', '1.', '.5', '1.234', '1e3', full-width digits, an amount beyond a safe integer) answers
 * null, so the caller shows a message instead of sending a guess.
 */
export function parseYuanToFen(input: string): number | null {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(input.trim())
  if (!match) return null
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  return Number.isSafeInteger(fen) ? fen : null
}
