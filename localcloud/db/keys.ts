/**
 * Typed, memcmp-ordered index keys. SQLite compares BLOBs bytewise, so each value is encoded as
 * a type tag in MongoDB's cross-type order (null < numbers < strings < objects < arrays <
 * booleans < dates < regexps) followed by an order-preserving payload. Every encoding is
 * prefix-free, so compound keys are plain concatenations and a descending component is its
 * bytes inverted.
 */

import { types } from 'node:util'

// Dates and regular expressions are recognised whatever realm made them: a document copied with
// structuredClone inside a vm context (jest) holds the outer realm's Dates.
const { isDate, isRegExp } = types

export const TAG = {
  null: 0x10,
  nan: 0x1f,
  number: 0x20,
  string: 0x30,
  object: 0x40,
  array: 0x50,
  boolean: 0x80,
  date: 0x90,
  regexp: 0xb0,
} as const

/** Bytes strictly above every encoded component: `prefix + HIGH` bounds all keys starting with `prefix`. */
export const HIGH = 0xff

/** Scratch space for a number's IEEE 754 bytes (big-endian), reused by every encoding. */
const NUMBER_BYTES = new DataView(new ArrayBuffer(8))

function encodeNumber(n: number, out: number[]): void {
  NUMBER_BYTES.setFloat64(0, n === 0 ? 0 : n) // -0 and 0 are one key
  const negative = NUMBER_BYTES.getUint8(0) & 0x80
  for (let i = 0; i < 8; i++) {
    const byte = NUMBER_BYTES.getUint8(i)
    out.push(negative ? ~byte & 0xff : i === 0 ? byte | 0x80 : byte)
  }
}

function encodeText(text: string, out: number[]): void {
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0) out.push(0, 0xff)
    else out.push(byte)
  }
  out.push(0, 0)
}

/** Appends one value's key bytes (ascending). */
export function encodeValue(value: unknown, out: number[]): void {
  if (value === null || value === undefined) out.push(TAG.null)
  else if (typeof value === 'number') {
    if (Number.isNaN(value)) out.push(TAG.nan)
    else {
      out.push(TAG.number)
      encodeNumber(value, out)
    }
  } else if (typeof value === 'string') {
    out.push(TAG.string)
    encodeText(value, out)
  } else if (typeof value === 'boolean') out.push(TAG.boolean, value ? 1 : 0)
  else if (isDate(value)) {
    out.push(TAG.date)
    encodeNumber(value.getTime(), out)
  } else if (isRegExp(value)) {
    out.push(TAG.regexp)
    encodeText(String(value), out)
  } else if (Array.isArray(value)) {
    // whole arrays only appear nested inside arrays; equality is all the index is used for
    out.push(TAG.array)
    encodeText(JSON.stringify(value), out)
  } else {
    out.push(TAG.object)
    encodeText(JSON.stringify(value), out)
  }
}

/** One component's bytes, inverted for a descending field. */
export function encodeComponent(value: unknown, descending: boolean): number[] {
  const out: number[] = []
  encodeValue(value, out)
  if (descending) for (let i = 0; i < out.length; i++) out[i] = 0xff - out[i]
  return out
}

/** The tag a scalar bound value brackets (MongoDB compares ranges within one type only). */
export function typeTag(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : TAG.number
  if (typeof value === 'string') return TAG.string
  if (typeof value === 'boolean') return TAG.boolean
  if (isDate(value)) return TAG.date
  if (value === null) return TAG.null
  return undefined
}

/** True for values an index can answer equality on: null, numbers, strings, booleans, dates. */
export function isIndexableScalar(value: unknown): boolean {
  return typeTag(value) !== undefined
}

/**
 * Every value at a dot path, descending into arrays the way MongoDB's multikey indexes do.
 * A missing field yields null; an array yields its elements (an empty array yields null).
 */
export function valuesAtPath(doc: unknown, path: string[], depth = 0): unknown[] {
  if (depth === path.length) {
    if (Array.isArray(doc)) return doc.length === 0 ? [null] : doc
    return [doc === undefined ? null : doc]
  }
  if (doc === null || doc === undefined || typeof doc !== 'object' || isDate(doc) || isRegExp(doc)) return [null]
  const segment = path[depth]
  if (Array.isArray(doc)) {
    const out: unknown[] = []
    if (/^\d+$/.test(segment) && Number(segment) < doc.length) out.push(...valuesAtPath(doc[Number(segment)], path, depth + 1))
    for (const element of doc) {
      if (element !== null && typeof element === 'object' && !Array.isArray(element)) out.push(...valuesAtPath(element, path, depth))
    }
    return out.length ? out : [null]
  }
  return valuesAtPath((doc as Record<string, unknown>)[segment], path, depth + 1)
}

export interface IndexField {
  field: string
  path: string[]
  descending: boolean
}

/** All distinct index keys of a document for a (possibly compound, possibly multikey) index. */
export function documentKeys(doc: unknown, fields: IndexField[], maxKeys = 1000): { keys: Buffer[]; multikey: boolean } {
  let partials: number[][] = [[]]
  let multikey = false
  for (const f of fields) {
    const values = valuesAtPath(doc, f.path)
    if (values.length > 1) multikey = true
    // one value (no array on the path), as in nearly every write: nothing to deduplicate
    const components = values.length === 1 ? [encodeComponent(values[0], f.descending)] : distinctComponents(values, f.descending)
    const next: number[][] = []
    for (const prefix of partials) for (const c of components) next.push(prefix.length === 0 ? c : prefix.concat(c))
    if (next.length > maxKeys) throw new RangeError(`a document would add more than ${maxKeys} keys to one index`)
    partials = next
  }
  // distinct components make distinct keys: every encoding is prefix-free
  return { keys: partials.map((p) => Buffer.from(p)), multikey }
}

/** Each distinct value's component bytes, encoded once (equal values encode to equal bytes). */
function distinctComponents(values: unknown[], descending: boolean): number[][] {
  const seen = new Set<string>()
  const out: number[][] = []
  for (const v of values) {
    const bytes = encodeComponent(v, descending)
    const key = String.fromCharCode(...bytes)
    if (seen.has(key)) continue
    seen.add(key)
    out.push(bytes)
  }
  return out
}
