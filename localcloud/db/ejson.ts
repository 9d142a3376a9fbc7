import { BSONRegExp, EJSON, Long, ObjectId, Decimal128, Double, Int32 } from 'bson'
import { CloudError } from '../errors'

/** A document or value as the engine holds it: plain JS with Date and RegExp, numbers as numbers. */
export type Doc = Record<string, unknown>

/** Parses one EJSON string from the wire; `{$tcb_server_date: {offset}}` becomes the local clock's time plus offset. */
export function parseWire(text: unknown, what: string, now: number): unknown {
  if (typeof text !== 'string') throw new CloudError('INVALID_PARAM', `${what} must be an EJSON string`)
  let parsed: unknown
  try {
    const json: unknown = JSON.parse(text)
    assertCanonicalTypes(json)
    parsed = EJSON.deserialize(json as Doc, { relaxed: true })
  } catch (e) {
    throw new CloudError('INVALID_PARAM', `${what} is not valid EJSON: ${(e as Error).message}`)
  }
  return normalise(parsed, now)
}

const INTEGER = /^-?\d+$/
const DOUBLE = /^(-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|NaN|-?Infinity)$/

/** bson's EJSON reader accepts `{"$numberInt": "x"}` as NaN and bad `$date`s as Invalid Date: refuse them instead. */
function assertCanonicalTypes(value: unknown): void {
  if (value === null || typeof value !== 'object') return
  if (Array.isArray(value)) {
    value.forEach(assertCanonicalTypes)
    return
  }
  const record = value as Record<string, unknown>
  if ('$numberInt' in record && !(typeof record.$numberInt === 'string' && INTEGER.test(record.$numberInt))) throw new Error(`bad $numberInt ${JSON.stringify(record.$numberInt)}`)
  if ('$numberLong' in record && !(typeof record.$numberLong === 'string' && INTEGER.test(record.$numberLong))) throw new Error(`bad $numberLong ${JSON.stringify(record.$numberLong)}`)
  if ('$numberDouble' in record && !(typeof record.$numberDouble === 'string' && DOUBLE.test(record.$numberDouble))) throw new Error(`bad $numberDouble ${JSON.stringify(record.$numberDouble)}`)
  if ('$date' in record) {
    const d = record.$date
    const ok = typeof d === 'number' || (typeof d === 'string' && !Number.isNaN(Date.parse(d))) || (d !== null && typeof d === 'object' && INTEGER.test(String((d as Record<string, unknown>).$numberLong)))
    if (!ok) throw new Error(`bad $date ${JSON.stringify(d)}`)
    return
  }
  for (const v of Object.values(record)) assertCanonicalTypes(v)
}

/** Parses a wire EJSON object (query, update, document). */
export function parseWireObject(text: unknown, what: string, now: number): Doc {
  const value = parseWire(text, what, now)
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date || value instanceof RegExp) {
    throw new CloudError('INVALID_PARAM', `${what} must be an EJSON object`)
  }
  return value as Doc
}

/** Turns bson wrapper types into the plain JS values the query engine compares. */
export function normalise(value: unknown, now: number): unknown {
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Date || value instanceof RegExp) return value
  if (Array.isArray(value)) return value.map((v) => normalise(v, now))
  if (value instanceof BSONRegExp) {
    try {
      return new RegExp(value.pattern, value.options.replace(/[^gimsuy]/g, ''))
    } catch (e) {
      throw new CloudError('INVALID_PARAM', `invalid regular expression /${value.pattern}/: ${(e as Error).message}`)
    }
  }
  if (value instanceof Long) return value.toNumber()
  if (value instanceof Double || value instanceof Int32) return value.valueOf()
  if (value instanceof Decimal128) return Number(value.toString())
  if (value instanceof ObjectId) return value.toHexString()
  const record = value as Record<string, unknown>
  if ('$tcb_server_date' in record) {
    const spec = record.$tcb_server_date as { offset?: unknown } | null
    const offset = typeof spec?.offset === 'number' ? spec.offset : 0
    return new Date(now + offset)
  }
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(record)) out[key] = normalise(record[key], now)
  return out
}

/** Serialises a stored document the way CloudBase answers: canonical EJSON (dates as $date). */
export function toWire(doc: unknown): string {
  return EJSON.stringify(doc as Doc, { relaxed: false })
}

/** Reads a stored document back. */
export function fromStored(text: string): Doc {
  return EJSON.parse(text, { relaxed: true }) as Doc
}
