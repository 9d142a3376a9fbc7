import { find as mingoFind } from 'mingo'
import { CloudError } from '../errors'
import type { LocalCloud } from '../server'
import { parseWire, parseWireObject, toWire, type Doc } from './ejson'
import type { DatabaseEngine } from './engine'
import type { SortSpec } from './planner'
import type { StoredDoc } from './store'

/** CloudBase's read limits: 100 by default, 1000 at most; an aggregation without `$limit` returns 20. */
export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 1000
export const DEFAULT_AGGREGATE_LIMIT = 20

function optionalString(params: Record<string, unknown>, key: string): string | undefined {
  const v = params[key]
  if (v === undefined || v === null || v === '') return undefined
  if (typeof v !== 'string') throw new CloudError('INVALID_PARAM', `${key} must be a string`)
  return v
}

function nonNegativeInt(value: unknown, key: string, fallback: number): number {
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new CloudError('INVALID_PARAM', `${key} must be a non-negative integer`)
  return value
}

function booleanParam(value: unknown, key: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'boolean') throw new CloudError('INVALID_PARAM', `${key} must be a boolean`)
  return value
}

function parseSort(text: string | undefined, now: number): SortSpec {
  if (!text) return []
  const raw = parseWire(text, 'order', now)
  const entries: Array<[string, unknown]> = Array.isArray(raw)
    ? raw.map((o) => [(o as { field?: unknown }).field as string, (o as { direction?: unknown }).direction])
    : Object.entries((raw ?? {}) as Doc)
  return entries.map(([field, direction]) => {
    const dir = direction === 'asc' ? 1 : direction === 'desc' ? -1 : direction
    if (typeof field !== 'string' || (dir !== 1 && dir !== -1)) throw new CloudError('INVALID_PARAM', `invalid order ${JSON.stringify([field, direction])}: use 1/-1 or asc/desc`)
    return [field, dir] as [string, 1 | -1]
  })
}

function project(docs: StoredDoc[], projection: Doc | undefined): string[] {
  if (!projection || Object.keys(projection).length === 0) return docs.map((d) => d.text || toWire(d.doc))
  try {
    return docs.map((d) => toWire(mingoFind([d.doc], {}, projection).all()[0]))
  } catch (e) {
    throw new CloudError('INVALID_PARAM', `invalid projection: ${(e as Error).message}`)
  }
}

/** Registers every `database.*` action of @cloudbase/node-sdk 3.x on the local cloud. */
export function registerDatabaseActions(cloud: LocalCloud, engine: DatabaseEngine): void {
  const now = () => cloud.clock.now()
  const counted = (action: string, handler: (params: Record<string, unknown>) => object) =>
    cloud.registerAction(action, (params, call) => {
      cloud.counters.record(action, call.caller)
      return handler(params)
    })
  const query = (params: Record<string, unknown>): Doc => {
    const text = optionalString(params, 'query')
    return text ? parseWireObject(text, 'query', now()) : {}
  }
  const txOf = (params: Record<string, unknown>) => optionalString(params, 'transactionId')

  counted('database.addCollection', (params) => {
    engine.store.createCollection(params.collectionName, now())
    return {}
  })

  counted('database.insertDocument', (params) => {
    const data = params.data
    if (!Array.isArray(data) || data.length === 0) throw new CloudError('INVALID_PARAM', 'data must be a non-empty array of EJSON documents')
    const docs = data.map((d, i) => parseWireObject(d, `data[${i}]`, now()))
    return { data: { insertedIds: engine.insert(params.collectionName as string, docs, txOf(params)) } }
  })

  counted('database.getDocument', (params) => {
    const limit = Math.min(nonNegativeInt(params.limit, 'limit', DEFAULT_LIMIT) || DEFAULT_LIMIT, MAX_LIMIT)
    const offset = nonNegativeInt(params.offset, 'offset', 0)
    const sort = parseSort(optionalString(params, 'order'), now())
    const projectionText = optionalString(params, 'projection')
    const projection = projectionText ? parseWireObject(projectionText, 'projection', now()) : undefined
    const found = engine.find(params.collectionName as string, query(params), sort, offset, limit, txOf(params))
    return { data: { list: project(found, projection) }, limit, offset }
  })

  counted('database.modifyDocument', (params) => {
    const data = parseWireObject(params.data, 'data', now())
    const result = engine.modify(
      params.collectionName as string,
      query(params),
      data,
      {
        multi: booleanParam(params.multi, 'multi', false),
        merge: booleanParam(params.merge, 'merge', true),
        upsert: booleanParam(params.upsert, 'upsert', false),
      },
      txOf(params),
    )
    return { data: { updated: result.updated, upsert_id: result.upsertId } }
  })

  counted('database.removeDocument', (params) => {
    const deleted = engine.remove(params.collectionName as string, query(params), booleanParam(params.multi, 'multi', false), txOf(params))
    return { data: { deleted } }
  })

  counted('database.calculateDocument', (params) => {
    if (txOf(params)) throw new CloudError('INVALID_PARAM', 'count() is not supported inside a transaction: CloudBase runs it outside the transaction')
    return { data: { total: engine.count(params.collectionName as string, query(params)) } }
  })

  counted('database.modifyAndReturnDoc', (params) => {
    const data = parseWireObject(params.data, 'data', now())
    const result = engine.modifyAndReturn(params.collectionName as string, query(params), data, txOf(params))
    return { data: { updated: result.updated, doc: result.doc ? (result.text ?? toWire(result.doc)) : null } }
  })

  counted('database.aggregateDocuments', (params) => {
    const stages = params.stages
    if (!Array.isArray(stages)) throw new CloudError('INVALID_PARAM', 'stages must be an array of {stageKey, stageValue}')
    const pipeline: Doc[] = stages.map((s, i) => {
      const stage = s as { stageKey?: unknown; stageValue?: unknown }
      if (typeof stage?.stageKey !== 'string' || !stage.stageKey.startsWith('$')) throw new CloudError('INVALID_PARAM', `stages[${i}].stageKey must be a $-prefixed stage name`)
      return { [stage.stageKey]: parseWire(stage.stageValue, `stages[${i}].stageValue`, now()) }
    })
    if (!pipeline.some((s) => '$limit' in s)) pipeline.push({ $limit: DEFAULT_AGGREGATE_LIMIT })
    return { data: { list: engine.aggregate(params.collectionName as string, pipeline).map(toWire) } }
  })

  counted('database.startTransaction', () => ({ transactionId: engine.startTransaction() }))

  counted('database.commitTransaction', (params) => {
    engine.commitTransaction(requiredTransaction(params))
    return {}
  })

  counted('database.abortTransaction', (params) => {
    engine.abortTransaction(requiredTransaction(params))
    return {}
  })
}

function requiredTransaction(params: Record<string, unknown>): string {
  const id = params.transactionId
  if (typeof id !== 'string' || id === '') throw new CloudError('INVALID_PARAM', 'transactionId is required')
  return id
}
