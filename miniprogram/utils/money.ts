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
 * What a person typed as an amount in yuan, as integer fen: '12' → 1200, '0.5' → 50,
 * ' 9.90 ' → 990. Strict: plain digits with at most 2 decimals, no sign, no grouping, no
 * exponent; null for anything else (including '' and amounts too large to be exact).
 */
export function parseYuanToFen(text: string): number | null {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim())
  if (!match) return null
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  return Number.isSafeInteger(fen) ? fen : null
}
