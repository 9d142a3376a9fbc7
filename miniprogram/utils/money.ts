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
