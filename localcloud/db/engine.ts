import { createRequire } from 'node:module'
import path from 'node:path'
import { Aggregator, update as mingoUpdateFresh } from 'mingo'
import * as booleanOperators from 'mingo/operators/expression/boolean'
import * as comparisonOperators from 'mingo/operators/expression/comparison'
import * as pipelineOperators from 'mingo/operators/pipeline'
import * as queryOperators from 'mingo/operators/query'
import * as updateOperators from 'mingo/operators/update'
import { CloudError } from '../errors'
import { randomHex } from '../random'
import type { Doc } from './ejson'
import type { SortSpec } from './planner'
import { assertSupported, compileFilter, newDocumentId, sortStored, type DocumentStore, type StoredDoc } from './store'

export type QueryType = 'WHERE' | 'DOC'

export interface ModifyOptions {
  multi: boolean
  merge: boolean
  upsert: boolean
}

/** A document as a transaction sees it: committed, or its own pending write (null = deleted by it). */
interface PendingWrite {
  collection: string
  id: string
  doc: Doc | null
  /** Committed version when the transaction first touched the document (null: it did not exist). */
  baseVersion: number | null
}

interface Transaction {
  id: string
  lastUsed: number
  writes: Map<string, PendingWrite>
  /** Committed versions the transaction read, to refuse writes based on stale reads. */
  reads: Map<string, number | null>
  state: 'active' | 'committed' | 'aborted'
  endReason?: string
}

const docKey = (collection: string, id: string) => `${collection}\u0000${id}`

type UpdateOperator = (expr: unknown, arrayFilters: unknown[], options: unknown) => (doc: Doc) => string[]

interface MingoUpdateInternals {
  operators: Record<string, UpdateOperator | undefined>
  /** Options with the operator context mingo's updater builds, made once. */
  base: { constructor: { init(options: unknown): { update(locals: Record<string, unknown>): unknown } } }
  buildParams: (exprList: unknown[], arrayFilters: unknown[], options: unknown) => unknown
}

/**
 * mingo's `update()` builds its operator context (copies of the expression, query and pipeline
 * operator tables) on every call: 5-9% of the local cloud's time under the purchase benchmark.
 * `mingoUpdate` below runs the same steps as mingo 7's updater for an operator document on one
 * document with no condition, with that context built once. Its parts are not in mingo's export
 * map, so they are reached by path; if they are not where mingo 7 keeps them, plain `update()` is used.
 */
const MINGO_UPDATE: MingoUpdateInternals | undefined = (() => {
  try {
    const load = createRequire(__filename)
    const dir = path.dirname(load.resolve('mingo/operators/update'))
    const internal = load(path.join(dir, '_internal.js')) as { buildParams?: unknown }
    const core = load(path.join(dir, '..', '..', 'core', '_internal.js')) as { ComputeOptions?: { init(o: unknown): unknown }; Context?: { init(ops: unknown): unknown } }
    if (typeof internal.buildParams !== 'function' || typeof core.ComputeOptions?.init !== 'function' || typeof core.Context?.init !== 'function') return undefined
    const context = core.Context.init({
      expression: { ...booleanOperators, ...comparisonOperators },
      query: { ...queryOperators },
      pipeline: { $addFields: pipelineOperators.$addFields, $set: pipelineOperators.$set, $project: pipelineOperators.$project, $unset: pipelineOperators.$unset, $replaceRoot: pipelineOperators.$replaceRoot, $replaceWith: pipelineOperators.$replaceWith },
    })
    const base = (core.ComputeOptions.init({ context, collation: {} }) as { update(l: unknown): unknown }).update({
      condition: {},
      updateConfig: { cloneMode: 'copy', arrayFilters: undefined },
      variables: undefined,
      updateParams: {},
    }) as MingoUpdateInternals['base']
    return { operators: updateOperators as unknown as MingoUpdateInternals['operators'], base, buildParams: internal.buildParams as MingoUpdateInternals['buildParams'] }
  } catch {
    return undefined
  }
})()

/** Whether updates run with the operator context built once (false: mingo 8+ moved its internals; plain `update()` runs). */
export const UPDATE_CONTEXT_CACHED = MINGO_UPDATE !== undefined

/** mingo's `update(doc, modifier)` (modifies `doc`, returns the changed paths, sorted), with its context built once. */
export function mingoUpdate(doc: Doc, modifier: Doc): string[] {
  const m = MINGO_UPDATE
  if (!m) return mingoUpdateFresh(doc, modifier)
  const ops = Object.keys(modifier)
  const unknownOp = ops.find((op) => !m.operators[op])
  if (unknownOp !== undefined) throw new Error(`Unknown update operator: '${unknownOp}'.`)
  const renameTargets = Object.values((modifier.$rename ?? {}) as Doc).map((target) => ({ [target as string]: true }))
  const options = m.base.constructor.init(m.base)
  options.update({ updateParams: m.buildParams([...Object.values(modifier), ...renameTargets], [], options) })
  const mutators = ops.map((op) => m.operators[op]!(modifier[op], [], options))
  const modified: string[] = []
  for (const mutate of mutators) modified.push(...mutate(doc))
  return modified.sort()
}

const NUMERIC_OPERATORS = new Set(['$inc', '$mul'])
const ARRAY_OPERATORS = new Set(['$push', '$addToSet', '$pop', '$pull', '$pullAll'])

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (value instanceof Date) return 'date'
  return typeof value
}

/**
 * MongoDB refuses updates that do not fit the document's types (`$inc` on a string, `$push` on
 * a non-array, a field created inside a scalar); mingo silently skips them. We refuse them as
 * MongoDB (and so CloudBase) does, before anything is written.
 */
function assertUpdateFits(doc: Doc, modifier: Doc): void {
  for (const [operator, fields] of Object.entries(modifier)) {
    if (fields === null || typeof fields !== 'object') throw new CloudError('INVALID_PARAM', `${operator} needs an object of fields`)
    for (const path of Object.keys(fields as Doc)) {
      let current: unknown = doc
      const segments = path.split('.')
      for (let i = 0; i < segments.length; i++) {
        if (current === undefined || current === null) break
        const segment = segments[i]
        if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)]
        else if (typeof current === 'object' && !Array.isArray(current) && !(current instanceof Date) && !(current instanceof RegExp)) current = (current as Doc)[segment]
        else throw new CloudError('INVALID_PARAM', `cannot apply ${operator} to ${path}: ${segments.slice(0, i).join('.')} is a ${typeName(current)}`)
      }
      if (current === undefined || current === null) continue
      if (NUMERIC_OPERATORS.has(operator) && typeof current !== 'number') throw new CloudError('INVALID_PARAM', `cannot apply ${operator} to ${path}, a value of non-numeric type ${typeName(current)}`)
      if (ARRAY_OPERATORS.has(operator) && !Array.isArray(current)) throw new CloudError('INVALID_PARAM', `cannot apply ${operator} to ${path}, which must be an array but is a ${typeName(current)}`)
    }
  }
}

/**
 * What an update may contain: MongoDB update operators, or (merge semantics) plain fields to set.
 * Answers the updated document: a copy, or `current` itself changed when `inPlace` (the caller's
 * own copy, whose index keys it kept: see DocumentStore.keepIndexKeys).
 */
export function applyUpdate(current: Doc, update: Doc, inPlace = false): { doc: Doc; changed: boolean } {
  assertSupported(update, 'update')
  const keys = Object.keys(update)
  const operators = keys.filter((k) => k.startsWith('$'))
  if (operators.length > 0 && operators.length !== keys.length) throw new CloudError('INVALID_PARAM', 'an update mixes operators and plain fields')
  const modifier = operators.length === 0 ? { $set: update } : update
  assertUpdateFits(current, modifier)
  const id = current._id
  const next = inPlace ? current : structuredClone(current)
  let changed: string[]
  try {
    changed = mingoUpdate(next, modifier)
  } catch (e) {
    throw new CloudError('INVALID_PARAM', `invalid update: ${(e as Error).message}`)
  }
  if (changed.some((p) => p === '_id' || p.startsWith('_id.')) || next._id !== id) throw new CloudError('INVALID_PARAM', 'the _id of a document cannot be updated')
  return { doc: next, changed: changed.length > 0 }
}

/** A replacement document (`set()`): no operators, keeps the _id. */
export function replacement(id: string, data: Doc): Doc {
  if (Object.keys(data).some((k) => k.startsWith('$'))) throw new CloudError('INVALID_PARAM', 'a replacement document cannot contain update operators')
  assertSupported(data, 'document')
  const { _id: _ignored, ...rest } = data
  return { _id: id, ...rest }
}

/** The document an upsert starts from: the query's equality conditions (MongoDB semantics). */
function upsertSeed(filter: Doc): Doc {
  const seed: Doc = {}
  const equalities: Doc = {}
  const collect = (query: Doc) => {
    for (const [key, value] of Object.entries(query)) {
      if (key === '$and' && Array.isArray(value)) value.forEach((q) => collect(q as Doc))
      else if (key.startsWith('$') || key === '_id') continue
      else if (value !== null && typeof value === 'object' && !(value instanceof Date) && !(value instanceof RegExp) && !Array.isArray(value)) {
        const ops = value as Doc
        if ('$eq' in ops) equalities[key] = ops.$eq
      } else if (!(value instanceof RegExp)) equalities[key] = value
    }
  }
  collect(filter)
  if (Object.keys(equalities).length) mingoUpdate(seed, { $set: equalities })
  return seed
}

function assertId(id: unknown): string {
  if (typeof id === 'string' && id.length > 0) return id
  if (typeof id === 'number' && Number.isFinite(id)) return String(id)
  throw new CloudError('INVALID_PARAM', `_id must be a non-empty string or a number, got ${JSON.stringify(id)}`)
}

/**
 * The database as the SDK's actions see it: reads and writes with CloudBase semantics, and
 * transactions that read their own writes, conflict first-writer-wins, and expire when abandoned.
 */
export class DatabaseEngine {
  private readonly transactions = new Map<string, Transaction>()
  /**
   * The open ones, and the ended ones in the order they ended: every transactional call sweeps
   * for expired transactions, which must cost the few open ones, not the thousands that ended
   * in the last two minutes.
   */
  private readonly active = new Set<Transaction>()
  private readonly ended = new Map<string, Transaction>()
  private readonly locks = new Map<string, string>()

  constructor(
    readonly store: DocumentStore,
    private readonly now: () => number,
    readonly transactionTimeoutMs = 60_000,
  ) {}

  // ---------------------------------------------------------------- reads

  /** Documents matching a query, as committed or as transaction `txId` sees them. */
  find(collection: string, filter: Doc, sort: SortSpec, skip: number, limit: number, txId?: string): StoredDoc[] {
    assertSupported(filter, 'query')
    if (!txId) return this.store.find(collection, filter, { sort, skip, limit })
    const tx = this.activeTransaction(txId)
    const own = [...tx.writes.values()].filter((w) => w.collection === collection)
    if (own.length === 0) {
      const found = this.store.find(collection, filter, { sort, skip, limit })
      for (const d of found) this.noteRead(tx, collection, d.id, d.v)
      return found
    }
    const matcher = compileFilter(filter)
    const ownIds = new Set(own.map((w) => w.id))
    const merged = this.store.find(collection, filter, { sort }).filter((d) => !ownIds.has(d.id))
    for (const w of own) if (w.doc && matcher.test(w.doc)) merged.push({ id: w.id, v: -1, doc: w.doc, text: '' })
    const page = sortStored(merged, sort).slice(skip, skip + limit)
    for (const d of page) if (d.v >= 0) this.noteRead(tx, collection, d.id, d.v)
    return page
  }

  count(collection: string, filter: Doc): number {
    assertSupported(filter, 'query')
    return this.store.count(collection, filter)
  }

  /** Runs an aggregation pipeline; a leading `$match` is answered through the indexes. */
  aggregate(collection: string, pipeline: Doc[]): Doc[] {
    assertSupported(pipeline, 'aggregate')
    this.store.collection(collection)
    let rest = pipeline
    let input: Doc[]
    const first = pipeline[0]
    if (first && '$match' in first && Object.keys(first).length === 1) {
      input = this.store.find(collection, first.$match as Doc).map((d) => d.doc)
      rest = pipeline.slice(1)
    } else {
      input = this.store.find(collection, {}).map((d) => d.doc)
    }
    try {
      return new Aggregator(rest, { collectionResolver: (name: string) => (this.store.hasCollection(name) ? this.store.all(name) : []) }).run(input) as Doc[]
    } catch (e) {
      if (e instanceof CloudError) throw e
      throw new CloudError('INVALID_PARAM', `invalid aggregation: ${(e as Error).message}`)
    }
  }

  // ---------------------------------------------------------------- writes

  insert(collection: string, docs: Doc[], txId?: string): string[] {
    this.store.collection(collection)
    const prepared = docs.map((d) => {
      assertSupported(d, 'document')
      const id = d._id === undefined ? newDocumentId() : assertId(d._id)
      const { _id: _given, ...fields } = d
      return { _id: id, ...fields } as Doc
    })
    if (txId) {
      const tx = this.activeTransaction(txId)
      for (const doc of prepared) {
        const id = doc._id as string
        const key = docKey(collection, id)
        const pending = tx.writes.get(key)
        if ((pending && pending.doc) || (!pending && this.store.getById(collection, id))) throw new CloudError('DATABASE_DUPLICATE_WRITE', `a document with _id ${id} already exists in ${collection}`)
        this.lock(tx, collection, id)
        tx.writes.set(key, { collection, id, doc, baseVersion: pending ? pending.baseVersion : null })
      }
      return prepared.map((d) => d._id as string)
    }
    this.store.atomically(() => {
      for (const doc of prepared) this.store.put(collection, doc)
    })
    return prepared.map((d) => d._id as string)
  }

  /** Updates (merge) or replaces matching documents; upserts when asked and nothing matched. */
  modify(collection: string, filter: Doc, data: Doc, options: ModifyOptions, txId?: string): { updated: number; upsertId: string | null } {
    if (txId) return this.modifyInTransaction(collection, filter, data, options, txId)
    return this.store.atomically(() => {
      const targets = this.store.find(collection, filter, { limit: options.multi ? undefined : 1 })
      let updated = 0
      for (const current of targets) {
        if (options.merge) this.store.keepIndexKeys(collection, current)
        const next = options.merge ? applyUpdate(current.doc, data, true) : { doc: replacement(current.id, data), changed: true }
        if (!next.changed) continue
        this.store.put(collection, next.doc, current)
        updated++
      }
      if (targets.length === 0 && options.upsert) {
        const id = filter._id !== undefined && typeof filter._id !== 'object' ? assertId(filter._id) : newDocumentId()
        const seed = { ...upsertSeed(filter), _id: id }
        const doc = options.merge ? applyUpdate(seed, data).doc : replacement(id, data)
        this.store.put(collection, doc)
        return { updated: 0, upsertId: id }
      }
      return { updated, upsertId: null }
    })
  }

  remove(collection: string, filter: Doc, multi: boolean, txId?: string): number {
    if (txId) {
      const tx = this.activeTransaction(txId)
      const targets = this.find(collection, filter, [], 0, multi ? Number.POSITIVE_INFINITY : 1, txId)
      for (const t of targets) this.writeInTransaction(tx, collection, t.id, () => null)
      return targets.length
    }
    return this.store.atomically(() => {
      const targets = this.store.find(collection, filter, { limit: multi ? undefined : 1 })
      for (const t of targets) this.store.delete(collection, t)
      return targets.length
    })
  }

  /** Updates the first matching document and returns it as updated (`updateAndReturn`), with its stored text when it has one. */
  modifyAndReturn(collection: string, filter: Doc, data: Doc, txId?: string): { updated: number; doc: Doc | null; text?: string } {
    if (txId) {
      const tx = this.activeTransaction(txId)
      const [target] = this.find(collection, filter, [], 0, 1, txId)
      if (!target) return { updated: 0, doc: null }
      let result: Doc | null = null
      this.writeInTransaction(tx, collection, target.id, (current, own) => {
        if (!current) return null
        result = applyUpdate(current, data, own).doc
        return result
      })
      return { updated: result ? 1 : 0, doc: result }
    }
    return this.store.atomically(() => {
      const [target] = this.store.find(collection, filter, { limit: 1 })
      if (!target) return { updated: 0, doc: null }
      this.store.keepIndexKeys(collection, target)
      const next = applyUpdate(target.doc, data, true)
      if (!next.changed) return { updated: 0, doc: target.doc, text: target.text }
      const written = this.store.put(collection, next.doc, target)
      return { updated: 1, doc: written.doc, text: written.text }
    })
  }

  // ---------------------------------------------------------------- transactions

  startTransaction(): string {
    this.expireTransactions()
    const id = `tx-${randomHex(12)}`
    const tx: Transaction = { id, lastUsed: Date.now(), writes: new Map(), reads: new Map(), state: 'active' }
    this.transactions.set(id, tx)
    this.active.add(tx)
    return id
  }

  /** Applies a transaction's writes atomically, unless a document it wrote changed since it first touched it. */
  commitTransaction(txId: string): void {
    const tx = this.activeTransaction(txId)
    try {
      this.store.atomically(() => {
        for (const w of tx.writes.values()) {
          const current = this.store.getById(w.collection, w.id)
          if ((current?.v ?? null) !== w.baseVersion) {
            throw new CloudError('DATABASE_TRANSACTION_CONFLICT', `document ${w.collection}/${w.id} changed outside transaction ${tx.id}`)
          }
          if (w.doc) this.store.put(w.collection, w.doc, current)
          else if (current) this.store.delete(w.collection, current)
        }
      })
    } catch (e) {
      this.end(tx, 'aborted', (e as Error).message)
      throw e
    }
    this.end(tx, 'committed')
  }

  abortTransaction(txId: string): void {
    const tx = this.transactions.get(txId)
    if (!tx) throw new CloudError('DATABASE_TRANSACTION_FAIL', `transaction ${txId} does not exist`)
    if (tx.state === 'active') this.end(tx, 'aborted', 'aborted by the client')
  }

  /** Transactions still open (for tests and the round-trip view). */
  openTransactions(): number {
    this.expireTransactions()
    return this.active.size
  }

  /** Aborts every transaction idle longer than the timeout, releasing its locks. */
  expireTransactions(): void {
    const cutoff = Date.now() - this.transactionTimeoutMs
    for (const tx of this.active) if (tx.lastUsed < cutoff) this.end(tx, 'aborted', `expired after ${this.transactionTimeoutMs} ms without activity`)
    // ended transactions are remembered briefly so a late call gets a clear answer; `ended` is in
    // the order they ended, so the sweep stops at the first one still remembered
    for (const tx of this.ended.values()) {
      if (tx.lastUsed >= cutoff - this.transactionTimeoutMs) break
      this.ended.delete(tx.id)
      this.transactions.delete(tx.id)
    }
  }

  private activeTransaction(txId: string): Transaction {
    this.expireTransactions()
    const tx = this.transactions.get(txId)
    if (!tx) throw new CloudError('DATABASE_TRANSACTION_FAIL', `transaction ${txId} does not exist or has expired`)
    if (tx.state !== 'active') throw new CloudError('DATABASE_TRANSACTION_FAIL', `transaction ${txId} is ${tx.state}${tx.endReason ? `: ${tx.endReason}` : ''}`)
    tx.lastUsed = Date.now()
    return tx
  }

  private end(tx: Transaction, state: 'committed' | 'aborted', reason?: string): void {
    tx.state = state
    tx.endReason = reason
    tx.lastUsed = Date.now()
    this.active.delete(tx)
    this.ended.delete(tx.id)
    this.ended.set(tx.id, tx)
    // Every lock this transaction holds, including one taken just before a refused write (a
    // stale read or a failing update), which never reached tx.writes: left behind, it would
    // refuse every later transaction writing that document.
    for (const [key, holder] of this.locks) if (holder === tx.id) this.locks.delete(key)
    // an ended transaction is remembered for two timeouts only to answer a late call: its
    // documents would keep thousands of copies alive (and for the garbage collector to trace)
    tx.writes.clear()
    tx.reads.clear()
  }

  private noteRead(tx: Transaction, collection: string, id: string, version: number | null): void {
    const key = docKey(collection, id)
    if (!tx.writes.has(key) && !tx.reads.has(key)) tx.reads.set(key, version)
  }

  /** First writer wins: a document another open transaction has written cannot be written here. */
  private lock(tx: Transaction, collection: string, id: string): void {
    const key = docKey(collection, id)
    const holder = this.locks.get(key)
    if (holder && holder !== tx.id) {
      this.end(tx, 'aborted', `write conflict on ${collection}/${id}`)
      throw new CloudError('DATABASE_TRANSACTION_CONFLICT', `document ${collection}/${id} is being written by another transaction`)
    }
    this.locks.set(key, tx.id)
  }

  /**
   * Writes one document inside a transaction: lock, refuse stale reads, compute from what the
   * transaction sees. `compute` may change `current` in place when `own` is true: the document
   * was just parsed for this write and nothing else holds it (a pending write it already made
   * is copied, so a refused update leaves it as it was).
   */
  private writeInTransaction(tx: Transaction, collection: string, id: string, compute: (current: Doc | null, own: boolean) => Doc | null): void {
    this.store.collection(collection)
    const key = docKey(collection, id)
    this.lock(tx, collection, id)
    const pending = tx.writes.get(key)
    if (pending) {
      pending.doc = compute(pending.doc, false)
      return
    }
    const committed = this.store.getById(collection, id)
    const version = committed?.v ?? null
    if (tx.reads.has(key) && tx.reads.get(key) !== version) {
      this.end(tx, 'aborted', `stale read of ${collection}/${id}`)
      throw new CloudError('DATABASE_TRANSACTION_CONFLICT', `document ${collection}/${id} changed after transaction ${tx.id} read it`)
    }
    tx.writes.set(key, { collection, id, doc: compute(committed?.doc ?? null, true), baseVersion: version })
  }

  private modifyInTransaction(collection: string, filter: Doc, data: Doc, options: ModifyOptions, txId: string): { updated: number; upsertId: string | null } {
    const tx = this.activeTransaction(txId)
    const id = filter._id
    if (id === undefined || (typeof id === 'object' && id !== null) || Object.keys(filter).length !== 1) {
      throw new CloudError('INVALID_PARAM', 'inside a transaction only single-document writes by _id are supported (doc(id).update/set/remove)')
    }
    const docId = assertId(id)
    let updated = 0
    let upsertId: string | null = null
    this.writeInTransaction(tx, collection, docId, (current, own) => {
      if (!current) {
        if (!options.upsert) return null
        upsertId = docId
        return options.merge ? applyUpdate({ _id: docId }, data).doc : replacement(docId, data)
      }
      const next = options.merge ? applyUpdate(current, data, own) : { doc: replacement(docId, data), changed: true }
      if (next.changed) updated = 1
      return next.doc
    })
    return { updated, upsertId }
  }
}
