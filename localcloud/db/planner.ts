import { HIGH, encodeComponent, typeTag, type IndexField } from './keys'
import type { Doc } from './ejson'

export interface IndexInfo {
  name: string
  table: string
  fields: IndexField[]
  unique: boolean
  multikey: boolean
}

export type SortSpec = Array<[field: string, direction: 1 | -1]>

/** A half-open key range [lo, hi) over an index's BLOB keys. */
export interface KeyRange {
  lo: Buffer
  hi: Buffer
}

export type Plan =
  | { kind: 'ids'; ids: unknown[] }
  | { kind: 'index'; index: IndexInfo; ranges: KeyRange[]; ordered: boolean; reverse: boolean }
  | { kind: 'scan' }

interface Bound {
  value: unknown
}

interface FieldCondition {
  points?: unknown[]
  lo?: Bound
  hi?: Bound
}

const MAX_POINT_COMBINATIONS = 256

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date || value instanceof RegExp) return false
  const keys = Object.keys(value)
  return keys.length > 0 && keys.every((k) => k.startsWith('$'))
}

/**
 * The conditions an index can narrow: equality, `$in` over scalars and one-type ranges, taken
 * from top-level fields and top-level `$and`. Every other condition is left to the filter, so
 * the candidates an index yields are always a superset of the matches.
 */
export function indexableConditions(filter: Doc): Map<string, FieldCondition> {
  const out = new Map<string, FieldCondition>()
  const visit = (query: Doc) => {
    for (const [key, value] of Object.entries(query)) {
      if (key === '$and' && Array.isArray(value)) {
        for (const part of value) if (part && typeof part === 'object') visit(part as Doc)
        continue
      }
      if (key.startsWith('$')) continue
      const cond = out.get(key) ?? {}
      if (isOperatorObject(value)) {
        if ('$eq' in value && typeTag(value.$eq) !== undefined) cond.points ??= [value.$eq]
        if ('$in' in value && Array.isArray(value.$in) && value.$in.length > 0 && value.$in.every((v) => typeTag(v) !== undefined)) cond.points ??= value.$in
        for (const op of ['$gt', '$gte'] as const) if (op in value && typeTag(value[op]) !== undefined && typeTag(value[op]) !== typeTag(null)) cond.lo ??= { value: value[op] }
        for (const op of ['$lt', '$lte'] as const) if (op in value && typeTag(value[op]) !== undefined && typeTag(value[op]) !== typeTag(null)) cond.hi ??= { value: value[op] }
      } else if (typeTag(value) !== undefined) {
        cond.points ??= [value]
      }
      if (cond.points || cond.lo || cond.hi) out.set(key, cond)
    }
  }
  visit(filter)
  return out
}

function concat(parts: number[][]): Buffer {
  return Buffer.from(parts.flat())
}

function rangeFor(prefix: number[], field: IndexField, cond: FieldCondition, multikey: boolean): KeyRange {
  let lo = cond.lo
  let hi = cond.hi
  // On a multikey field each bound may be met by a different element: keep one bound only.
  if (lo && hi && (multikey || typeTag(lo.value) !== typeTag(hi.value))) hi = undefined
  const tag = typeTag((lo ?? hi)!.value)!
  const loAsc = lo ? encodeComponent(lo.value, false) : [tag]
  const hiAsc = hi ? [...encodeComponent(hi.value, false), HIGH] : [tag + 1]
  if (!field.descending) return { lo: concat([prefix, loAsc]), hi: concat([prefix, hiAsc]) }
  const loDesc = hi ? encodeComponent(hi.value, true) : [0xff - tag]
  const hiDesc = lo ? [...encodeComponent(lo.value, true), HIGH] : [0xff - tag + 1]
  return { lo: concat([prefix, loDesc]), hi: concat([prefix, hiDesc]) }
}

/** How far an index's field order serves the requested sort after its equality prefix. */
function sortDirection(index: IndexInfo, eqFields: Set<string>, sort: SortSpec): 'forward' | 'reverse' | undefined {
  if (index.multikey || sort.length === 0) return undefined
  const wanted = sort.filter(([f]) => !eqFields.has(f))
  if (wanted.length === 0) return 'forward'
  const rest = index.fields.filter((f) => !eqFields.has(f.field))
  if (wanted.length > rest.length) return undefined
  let direction: 'forward' | 'reverse' | undefined
  for (let i = 0; i < wanted.length; i++) {
    const [field, dir] = wanted[i]
    if (rest[i].field !== field) return undefined
    const same = (dir === -1) === rest[i].descending
    const d = same ? 'forward' : 'reverse'
    if (direction && direction !== d) return undefined
    direction = d
  }
  return direction
}

/** Chooses the cheapest way to find candidates: `_id` lookups, an index range, or a scan. */
export function planQuery(filter: Doc, sort: SortSpec, indexes: IndexInfo[]): Plan {
  const conditions = indexableConditions(filter)
  const idCond = conditions.get('_id')
  if (idCond?.points) return { kind: 'ids', ids: idCond.points }

  let best: { score: number; plan: Plan } | undefined
  for (const index of indexes) {
    let prefixes: number[][] = [[]]
    const eqFields = new Set<string>()
    let range: { field: IndexField; cond: FieldCondition } | undefined
    for (const field of index.fields) {
      const cond = conditions.get(field.field)
      if (cond?.points && prefixes.length * cond.points.length <= MAX_POINT_COMBINATIONS) {
        const next: number[][] = []
        for (const p of prefixes) for (const v of cond.points) next.push([...p, ...encodeComponent(v, field.descending)])
        prefixes = next
        eqFields.add(field.field)
        continue
      }
      if (cond && (cond.lo || cond.hi)) range = { field, cond }
      break
    }
    const direction = prefixes.length === 1 ? sortDirection(index, eqFields, sort) : undefined
    // a range on one field cannot deliver an order led by another
    const firstSorted = sort.find(([f]) => !eqFields.has(f))?.[0]
    const ordered = direction !== undefined && sort.length > 0 && (!range || firstSorted === undefined || firstSorted === range.field.field)
    const score = eqFields.size * 4 + (range ? 2 : 0) + (ordered ? 1 : 0)
    if (score === 0) continue
    const ranges = prefixes.map((p) => (range ? rangeFor(p, range.field, range.cond, index.multikey) : { lo: Buffer.from(p), hi: Buffer.from([...p, HIGH]) }))
    if (!best || score > best.score) best = { score, plan: { kind: 'index', index, ranges, ordered, reverse: direction === 'reverse' } }
  }
  return best?.plan ?? { kind: 'scan' }
}
