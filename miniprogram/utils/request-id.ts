/**
 * A fresh client request id, what every idempotent call takes (8-64 of [0-9A-Za-z_-]): a letter
 * naming its use, the time in base 36, then 16 random base-36 digits. Made once per intent (an
 * open, a checkout, a refund, a withdrawal, a stock change) and kept for that intent's retries.
 */
export function newRequestId(prefix: string, now: number = Date.now(), random: () => number = Math.random): string {
  let tail = ''
  for (let i = 0; i < 16; i++) tail += Math.floor(random() * 36).toString(36)
  return `${prefix}${now.toString(36)}_${tail}`
}
