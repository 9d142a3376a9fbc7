import { randomFillSync } from 'node:crypto'

/**
 * Random hex for the ids the local cloud makes on every purchase (document and transaction ids,
 * the simulated WeChat Pay's prepay ids, nonces and transaction ids): drawn from a pool of
 * CSPRNG bytes refilled 4 KB at a time: a `randomBytes` call per id cost about 8 us on the
 * main thread, some six times a purchase.
 */
const pool = Buffer.alloc(4096)
let offset = pool.length

export function randomHex(bytes: number): string {
  if (bytes > pool.length) throw new RangeError(`randomHex: at most ${pool.length} bytes`)
  if (offset + bytes > pool.length) {
    randomFillSync(pool)
    offset = 0
  }
  const hex = pool.toString('hex', offset, offset + bytes)
  offset += bytes
  return hex
}
