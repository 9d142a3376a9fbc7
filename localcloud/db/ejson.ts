import { EJSON } from 'bson'
import { CloudError } from '../errors'

/** A document or value as the engine holds it: plain JS with Date and RegExp, numbers as numbers. */
export type Doc = Record<string, unknown>

const INTEGER = /^-?\d+$/
const DOUBLE = /^(-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|NaN|-?Infinity)$/

/** EJSON type wrappers we decode by hand; any other `$`-wrapper goes through bson's reader. */
const RARE_WRAPPERS = new Set(['$oid', '$binary', '$uuid', '$timestamp', '$minKey', '$maxKey', '$symbol', '$code', '$dbPointer', '$undefined', '$numberDecimal'])

function fail(message: string): never {
  throw new SyntaxError(message)
}

function decodeDate(d: unknown): Date {
  let ms: number
  if (typeof d === 'number') ms = d
  else if (typeof d === 'string') ms = Date.parse(d)
  else if (d !== null && typeof d === 'object' && typeof (d as Doc).$numberLong === 'string' && INTEGER.test((d as Doc).$numberLong as string)) ms = Number((d as Doc).$numberLong)
  else return fail(`bad $date ${JSON.stringify(d)}`)
  if (Number.isNaN(ms)) fail(`bad $date ${JSON.stringify(d)}`)
  return new Date(ms)
}

/**
 * Decodes canonical or relaxed EJSON (already JSON-parsed) into engine values, strictly: a bad
 * `$numberInt` or `$date` is an error, not NaN or Invalid Date. `{$tcb_server_date: {offset}}`
 * becomes the local clock's time plus offset.
 */
export function decode(value: unknown, now: number): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    const out = new Array(value.length)
    for (let i = 0; i < value.length; i++) out[i] = decode(value[i], now)
    return out
  }
  const record = value as Doc
  const keys = Object.keys(record)
  if (keys.length > 0 && keys[0].charCodeAt(0) === 36 /* $ */) {
    const k = keys[0]
    if (k === '$numberInt' || k === '$numberLong') {
      if (typeof record[k] !== 'string' || !INTEGER.test(record[k] as string)) fail(`bad ${k} ${JSON.stringify(record[k])}`)
      return Number(record[k])
    }
    if (k === '$numberDouble') {
      if (typeof record[k] !== 'string' || !DOUBLE.test(record[k] as string)) fail(`bad $numberDouble ${JSON.stringify(record[k])}`)
      return Number(record[k])
    }
    if (k === '$date' && keys.length === 1) return decodeDate(record.$date)
    if (k === '$regularExpression') {
      const re = record.$regularExpression as { pattern?: unknown; options?: unknown }
      if (typeof re?.pattern !== 'string') fail('bad $regularExpression')
      return new RegExp(re.pattern, String(re.options ?? '').replace(/[^gimsuy]/g, ''))
    }
    if (k === '$tcb_server_date') {
      const offset = decode((record.$tcb_server_date as Doc | null)?.offset, now)
      return new Date(now + (typeof offset === 'number' ? offset : 0))
    }
    if (RARE_WRAPPERS.has(k)) return rare(EJSON.deserialize(record, { relaxed: true }))
  }
  const out: Doc = {}
  for (const key of keys) out[key] = decode(record[key], now)
  return out
}

/** bson values we do not keep as such: ObjectId as its hex string, Long and Decimal128 as numbers. */
function rare(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  const v = value as { _bsontype?: string; toHexString?: () => string; toNumber?: () => number; toString: () => string }
  switch (v._bsontype) {
    case 'ObjectID':
    case 'ObjectId':
      return v.toHexString!()
    case 'Long':
      return v.toNumber!()
    case 'Decimal128':
      return Number(v.toString())
    case 'Int32':
    case 'Double':
      return Number(v.toString())
    default:
      return value
  }
}

/** Parses one EJSON string from the wire, refusing malformed text or values as INVALID_PARAM. */
export function parseWire(text: unknown, what: string, now: number): unknown {
  if (typeof text !== 'string') throw new CloudError('INVALID_PARAM', `${what} must be an EJSON string`)
  try {
    return decode(JSON.parse(text), now)
  } catch (e) {
    throw new CloudError('INVALID_PARAM', `${what} is not valid EJSON: ${(e as Error).message}`)
  }
}

/** Parses a wire EJSON object (query, update, document). */
export function parseWireObject(text: unknown, what: string, now: number): Doc {
  const value = parseWire(text, what, now)
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date || value instanceof RegExp) {
    throw new CloudError('INVALID_PARAM', `${what} must be an EJSON object`)
  }
  return value as Doc
}

/** Serialises a document the way CloudBase answers: canonical EJSON (dates as $date). */
export function toWire(doc: unknown): string {
  return EJSON.stringify(doc as Doc, { relaxed: false })
}

/** Reads a stored document (canonical EJSON written by toWire) back. */
export function fromStored(text: string): Doc {
  return decode(JSON.parse(text), 0) as Doc
}
