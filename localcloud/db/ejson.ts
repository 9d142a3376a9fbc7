import { types } from 'node:util'
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

/**
 * The dates a hot document carries are written and read again on every write of it (a SKU's
 * holds: 24 dates at 24 buyers, twice a purchase), and V8's toISOString takes ~0.8 us and
 * Date.parse ~0.3 us: both directions remember the last few thousand.
 */
const DATE_CACHE_SIZE = 4096
const isoOfTime = new Map<number, string>()
const timeOfIso = new Map<string, number>()

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= DATE_CACHE_SIZE) cache.clear()
  cache.set(key, value)
  return value
}

function isoString(date: Date): string {
  const time = date.getTime()
  return isoOfTime.get(time) ?? remember(isoOfTime, time, date.toISOString())
}

function decodeDate(d: unknown): Date {
  let ms: number
  if (typeof d === 'number') ms = d
  else if (typeof d === 'string') ms = timeOfIso.get(d) ?? remember(timeOfIso, d, Date.parse(d))
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

/** A value JSON has no form for in an object (left out) or an array (null), as JSON.stringify does. */
const omitted = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol'

function writeValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v)
    case 'number':
      if (Number.isFinite(v) && !Object.is(v, -0)) return String(v)
      return `{"$numberDouble":"${Object.is(v, -0) ? '-0.0' : String(v)}"}`
    case 'boolean':
      return v ? 'true' : 'false'
    case 'object': {
      if (v === null) return 'null'
      if (Array.isArray(v)) {
        let out = '['
        for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + (omitted(v[i]) ? 'null' : writeValue(v[i]))
        return out + ']'
      }
      // util.types rather than instanceof: a structuredClone under jest holds another realm's Dates
      if (types.isDate(v)) {
        const year = v.getUTCFullYear()
        return year >= 1970 && year <= 9999 ? `{"$date":"${isoString(v)}"}` : `{"$date":{"$numberLong":"${v.getTime()}"}}`
      }
      if (types.isRegExp(v)) return JSON.stringify({ $regularExpression: { pattern: v.source, options: [...v.flags].filter((f) => 'imsu'.includes(f)).sort().join('') } })
      if (Object.getPrototypeOf(v) !== Object.prototype && '_bsontype' in v) return EJSON.stringify(v as Doc, { relaxed: true })
      let out = '{'
      for (const key of Object.keys(v)) {
        const field = (v as Doc)[key]
        if (omitted(field)) continue
        out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + writeValue(field)
      }
      return out + '}'
    }
    default:
      return 'null'
  }
}

/**
 * Serialises a document as relaxed Extended JSON: numbers as JSON numbers (only NaN, the
 * infinities and -0 wrapped in `$numberDouble`), dates as `{"$date": ISO-8601}` (years outside
 * 1970-9999 as `$numberLong` milliseconds), regular expressions as `$regularExpression`. This is
 * the stored form and the answer's: the SDK reads every answer with bson's `EJSON.parse`, which
 * gives the same values for relaxed and canonical EJSON, and relaxed text costs it half the
 * parsing (a canonical `{"$numberInt": "1"}` is an object to revive, a `$numberLong` date a Long).
 */
export function toWire(doc: unknown): string {
  return writeValue(doc)
}

/** Reads a stored document back: relaxed EJSON as toWire writes it, or canonical as stored before. */
export function fromStored(text: string): Doc {
  return decode(JSON.parse(text), 0) as Doc
}
