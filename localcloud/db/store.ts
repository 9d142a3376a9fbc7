import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Query as MingoQuery, find as mingoFind } from 'mingo'
import { Context } from 'mingo/core'
import { Query as BaseQuery } from 'mingo/query'
import * as queryOperators from 'mingo/operators/query'
import { CloudError } from '../errors'
import { randomHex } from '../random'
import { fromStored, toWire, type Doc } from './ejson'
import { documentKeys, type IndexField } from './keys'
import { indexableConditions, planQuery, type IndexInfo, type Plan, type SortSpec } from './planner'

/** An index as declared in database/collections/<name>.json, as the CloudBase console takes it. */
export interface IndexSpec {
  name: string
  keys: Array<{ field: string; direction: 1 | -1 }>
  unique?: boolean
}

/** A committed document: its id, version (bumped on every write) and stored EJSON text. */
export interface StoredDoc {
  id: string
  v: number
  doc: Doc
  text: string
  /** The index keys of this version by index name, when taken before its `doc` was changed in place (keepIndexKeys). */
  keys?: Map<string, Buffer[]>
}

export interface FindOptions {
  sort?: SortSpec
  skip?: number
  limit?: number
}

type Statement = BetterSqlite3.Statement

interface CollectionInfo {
  name: string
  table: string
  indexes: IndexInfo[]
  getById: Statement
  insertRow: Statement
  updateRow: Statement
  deleteRow: Statement
  scanAll: Statement
  countAll: Statement
  keyStatements: Map<string, { insert: Statement; remove: Statement; rangeAsc: Statement; rangeDesc: Statement }>
}

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/
const UNSUPPORTED = new Set(['$near', '$nearSphere', '$geoWithin', '$geoIntersects', '$geoNear', '$text', '$where', '$function', '$accumulator'])

/** Refuses what the local cloud does not implement (geo, full text, server-side JS) rather than answer wrongly. */
export function assertSupported(value: unknown, where: string): void {
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof RegExp) return
  if (Array.isArray(value)) {
    for (const v of value) assertSupported(v, where)
    return
  }
  for (const [key, v] of Object.entries(value)) {
    if (UNSUPPORTED.has(key)) throw new CloudError('OPERATION_NOT_SUPPORTED', `${key} in ${where} is not supported by the local cloud (geo and text search need CloudBase)`)
    assertSupported(v, where)
  }
}

export function assertCollectionName(name: unknown): string {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new CloudError('INVALID_PARAM', `collection name must match ${NAME_PATTERN}, got ${JSON.stringify(name)}`)
  }
  return name
}

/** Query operators only: building mingo's full operator context costs ~20 µs a query, this one ~6 µs. */
const QUERY_CONTEXT = Context.init({ query: queryOperators })

function mentions(value: unknown, key: string): boolean {
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof RegExp) return false
  if (Array.isArray(value)) return value.some((v) => mentions(v, key))
  return Object.entries(value).some(([k, v]) => k === key || mentions(v, key))
}

/** Compiles a MongoDB filter with mingo; its refusals become INVALID_PARAM. */
export function compileFilter(filter: Doc): { test(doc: Doc): boolean } {
  assertSupported(filter, 'query')
  try {
    // `$expr` needs the expression operators too
    return mentions(filter, '$expr') ? new MingoQuery(filter) : new BaseQuery(filter, { context: QUERY_CONTEXT })
  } catch (e) {
    throw new CloudError('INVALID_PARAM', `invalid query: ${(e as Error).message}`)
  }
}

export function newDocumentId(): string {
  return randomHex(16)
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`
}

/**
 * Collections of EJSON documents in SQLite (one table each, WAL, every write in one SQLite
 * transaction with its index entries), queried with MongoDB semantics through mingo and
 * narrowed by typed-key index tables.
 */
export class DocumentStore {
  readonly sqlite: BetterSqlite3.Database
  private readonly collections = new Map<string, CollectionInfo>()
  /** One transaction wrapper for every write, built once (better-sqlite3 builds one per `transaction()` call). */
  private readonly inTransaction: (fn: () => unknown) => unknown

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    this.sqlite = new BetterSqlite3(file)
    // one connection, the local cloud's: no file locks and no shared-memory WAL index to take on
    // every transaction (it held ~40 fcntl calls a purchase); a second process on the same data
    // folder is refused (SQLITE_BUSY) instead of sharing it
    this.sqlite.pragma('locking_mode = EXCLUSIVE')
    try {
      this.sqlite.pragma('journal_mode = WAL')
    } catch (e) {
      this.sqlite.close()
      if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new Error(`${file} is in use by another local cloud: one data folder serves one local cloud at a time (stop the other, or give this one its own DATA_DIR)`)
      throw e
    }
    // NORMAL in WAL mode: a committed write survives a process crash (kill -9); only power loss can drop the last ones.
    this.sqlite.pragma('synchronous = NORMAL')
    this.sqlite.exec(`
      CREATE TABLE IF NOT EXISTS _collections (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS _indexes (collection TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, multikey INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (collection, name));
    `)
    this.inTransaction = this.sqlite.transaction((fn: () => unknown) => fn())
    for (const row of this.sqlite.prepare('SELECT name FROM _collections ORDER BY name').all() as Array<{ name: string }>) this.load(row.name)
  }

  close(): void {
    if (this.sqlite.open) this.sqlite.close()
  }

  /**
   * Runs `fn` in one SQLite transaction; a nested call joins the enclosing one (no caller catches
   * a failure inside a transaction and carries on: every error rolls the whole transaction back).
   */
  atomically<T>(fn: () => T): T {
    if (this.sqlite.inTransaction) return fn()
    return this.inTransaction(fn) as T
  }

  listCollections(): string[] {
    return [...this.collections.keys()].sort()
  }

  hasCollection(name: string): boolean {
    return this.collections.has(name)
  }

  collection(name: unknown): CollectionInfo {
    const info = this.collections.get(assertCollectionName(name))
    if (!info) throw new CloudError('DATABASE_COLLECTION_NOT_EXIST', `Db or Table not exist: ${String(name)}`)
    return info
  }

  createCollection(name: unknown, now = Date.now()): void {
    const valid = assertCollectionName(name)
    if (this.collections.has(valid)) throw new CloudError('DATABASE_COLLECTION_ALREADY_EXIST', `collection ${valid} already exists`)
    this.atomically(() => {
      this.sqlite.exec(`CREATE TABLE IF NOT EXISTS ${quote(`c:${valid}`)} (id TEXT PRIMARY KEY, v INTEGER NOT NULL, doc TEXT NOT NULL) WITHOUT ROWID`)
      this.sqlite.prepare('INSERT INTO _collections (name, created_at) VALUES (?, ?)').run(valid, now)
    })
    this.load(valid)
  }

  /** Makes a collection's indexes exactly the declared ones: new or changed indexes are (re)built, undeclared ones dropped. */
  ensureIndexes(name: string, specs: IndexSpec[]): void {
    const info = this.collection(name)
    const existing = new Map((this.sqlite.prepare('SELECT name, spec FROM _indexes WHERE collection = ?').all(name) as Array<{ name: string; spec: string }>).map((r) => [r.name, r.spec]))
    this.atomically(() => {
      const rebuild = new Set<string>()
      for (const spec of specs) {
        validateIndexSpec(spec)
        const text = JSON.stringify({ keys: spec.keys, unique: !!spec.unique })
        if (existing.get(spec.name) === text) continue
        this.dropIndexTable(name, spec.name)
        const table = quote(`i:${name}:${spec.name}`)
        this.sqlite.exec(
          spec.unique
            ? `CREATE TABLE ${table} (k BLOB PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID`
            : `CREATE TABLE ${table} (k BLOB NOT NULL, id TEXT NOT NULL, PRIMARY KEY (k, id)) WITHOUT ROWID`,
        )
        this.sqlite.prepare('INSERT INTO _indexes (collection, name, spec, multikey) VALUES (?, ?, ?, 0)').run(name, spec.name, text)
        rebuild.add(spec.name)
      }
      const declared = new Set(specs.map((s) => s.name))
      for (const indexName of existing.keys()) if (!declared.has(indexName)) this.dropIndexTable(name, indexName)
      this.load(name)
      const loaded = this.collection(name)
      for (const index of loaded.indexes) {
        if (!rebuild.has(index.name)) continue
        const insert = loaded.keyStatements.get(index.name)!.insert
        for (const row of info.scanAll.all() as Array<{ id: string; doc: string }>) {
          const { keys, multikey } = documentKeys(fromStored(row.doc), index.fields)
          if (multikey) this.markMultikey(name, index)
          for (const k of keys) this.insertKey(insert, index, k, row.id)
        }
      }
    })
  }

  private dropIndexTable(collection: string, indexName: string): void {
    this.sqlite.exec(`DROP TABLE IF EXISTS ${quote(`i:${collection}:${indexName}`)}`)
    this.sqlite.prepare('DELETE FROM _indexes WHERE collection = ? AND name = ?').run(collection, indexName)
  }

  private load(name: string): void {
    const table = quote(`c:${name}`)
    const rows = this.sqlite.prepare('SELECT name, spec, multikey FROM _indexes WHERE collection = ? ORDER BY name').all(name) as Array<{ name: string; spec: string; multikey: number }>
    const indexes: IndexInfo[] = rows.map((r) => {
      const spec = JSON.parse(r.spec) as { keys: IndexSpec['keys']; unique: boolean }
      const fields: IndexField[] = spec.keys.map((k) => ({ field: k.field, path: k.field.split('.'), descending: k.direction === -1 }))
      return { name: r.name, table: `i:${name}:${r.name}`, fields, unique: spec.unique, multikey: r.multikey === 1 }
    })
    const keyStatements = new Map<string, { insert: Statement; remove: Statement; rangeAsc: Statement; rangeDesc: Statement }>()
    for (const ix of indexes) {
      const t = quote(ix.table)
      keyStatements.set(ix.name, {
        insert: this.sqlite.prepare(`INSERT INTO ${t} (k, id) VALUES (?, ?)`),
        remove: this.sqlite.prepare(`DELETE FROM ${t} WHERE k = ? AND id = ?`),
        rangeAsc: this.sqlite.prepare(`SELECT c.id AS id, c.v AS v, c.doc AS doc FROM ${t} i JOIN ${table} c ON c.id = i.id WHERE i.k >= ? AND i.k < ? ORDER BY i.k, i.id`),
        rangeDesc: this.sqlite.prepare(`SELECT c.id AS id, c.v AS v, c.doc AS doc FROM ${t} i JOIN ${table} c ON c.id = i.id WHERE i.k >= ? AND i.k < ? ORDER BY i.k DESC, i.id DESC`),
      })
    }
    this.collections.set(name, {
      name,
      table,
      indexes,
      getById: this.sqlite.prepare(`SELECT id, v, doc FROM ${table} WHERE id = ?`),
      insertRow: this.sqlite.prepare(`INSERT INTO ${table} (id, v, doc) VALUES (?, ?, ?)`),
      updateRow: this.sqlite.prepare(`UPDATE ${table} SET v = ?, doc = ? WHERE id = ?`),
      deleteRow: this.sqlite.prepare(`DELETE FROM ${table} WHERE id = ?`),
      scanAll: this.sqlite.prepare(`SELECT id, v, doc FROM ${table}`),
      countAll: this.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`),
      keyStatements,
    })
  }

  private markMultikey(collection: string, index: IndexInfo): void {
    if (index.multikey) return
    index.multikey = true
    this.sqlite.prepare('UPDATE _indexes SET multikey = 1 WHERE collection = ? AND name = ?').run(collection, index.name)
  }

  private insertKey(stmt: Statement, index: IndexInfo, key: Buffer, id: string): void {
    try {
      stmt.run(key, id)
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
        throw new CloudError('DATABASE_DUPLICATE_WRITE', `duplicate key for unique index ${index.name} (${index.fields.map((f) => f.field).join(', ')})`)
      }
      throw e
    }
  }

  /** The committed document with this id, if any. */
  getById(collection: string, id: unknown): StoredDoc | undefined {
    if (typeof id !== 'string' && typeof id !== 'number') return undefined
    const row = this.collection(collection).getById.get(String(id)) as { id: string; v: number; doc: string } | undefined
    return row && storedVersion(row.id, row.v, row.doc)
  }

  /**
   * Takes the index keys of a version read for an update, so that the update may change its
   * `doc` in place (no copy of a large document) and `put` still knows which keys to replace.
   */
  keepIndexKeys(collection: string, stored: StoredDoc): void {
    const info = this.collection(collection)
    stored.keys = new Map(info.indexes.map((index) => [index.name, documentKeys(stored.doc, index.fields).keys]))
  }

  /** Writes a document (insert when `previous` is absent), keeping every index in step; returns the new version. */
  put(collection: string, doc: Doc, previous?: StoredDoc): StoredDoc {
    const info = this.collection(collection)
    const id = String(doc._id)
    const text = toWire(doc)
    return this.atomically(() => {
      let v = 1
      if (previous) {
        v = previous.v + 1
        info.updateRow.run(v, text, id)
      } else {
        try {
          info.insertRow.run(id, v, text)
        } catch (e) {
          if ((e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw new CloudError('DATABASE_DUPLICATE_WRITE', `a document with _id ${id} already exists in ${collection}`)
          throw e
        }
      }
      for (const index of info.indexes) {
        const stmts = info.keyStatements.get(index.name)!
        // the document as given: its stored text reads back with the same indexed values
        const next = documentKeys(doc, index.fields)
        if (next.multikey) this.markMultikey(collection, index)
        const before = previous ? (previous.keys?.get(index.name) ?? documentKeys(previous.doc, index.fields).keys) : []
        // the common case, one key before and after and the same: nothing to write, nothing to compare as strings
        if (before.length === 1 && next.keys.length === 1 && before[0].equals(next.keys[0])) continue
        const beforeBytes = before.map((k) => k.toString('latin1'))
        const nextBytes = next.keys.map((k) => k.toString('latin1'))
        const kept = new Set(nextBytes)
        const had = new Set(beforeBytes)
        for (let i = 0; i < before.length; i++) if (!kept.has(beforeBytes[i])) stmts.remove.run(before[i], id)
        for (let i = 0; i < next.keys.length; i++) if (!had.has(nextBytes[i])) this.insertKey(stmts.insert, index, next.keys[i], id)
      }
      return storedVersion(id, v, text)
    })
  }

  /** Deletes a committed document and its index entries. */
  delete(collection: string, previous: StoredDoc): void {
    const info = this.collection(collection)
    this.atomically(() => {
      info.deleteRow.run(previous.id)
      for (const index of info.indexes) {
        const stmts = info.keyStatements.get(index.name)!
        for (const k of documentKeys(previous.doc, index.fields).keys) stmts.remove.run(k, previous.id)
      }
    })
  }

  /** The plan a query would run with (exposed for tests and the benchmark). */
  explain(collection: string, filter: Doc, sort: SortSpec = []): Plan {
    return planQuery(filter, sort, this.collection(collection).indexes)
  }

  /** Candidate documents for a filter, in index order when the plan is ordered. */
  private *candidates(info: CollectionInfo, plan: Plan, needles: string[] = []): Generator<StoredDoc> {
    const seen = plan.kind === 'index' && plan.index.multikey ? new Set<string>() : undefined
    const emit = (row: { id: string; v: number; doc: string }): StoredDoc | undefined => {
      if (seen) {
        if (seen.has(row.id)) return undefined
        seen.add(row.id)
      }
      return storedVersion(row.id, row.v, row.doc)
    }
    if (plan.kind === 'ids') {
      const ids = new Set(plan.ids.filter((id) => typeof id === 'string' || typeof id === 'number').map(String))
      for (const id of ids) {
        const row = info.getById.get(id) as { id: string; v: number; doc: string } | undefined
        if (row) yield emit(row)!
      }
      return
    }
    if (plan.kind === 'index') {
      const stmts = info.keyStatements.get(plan.index.name)!
      const ranges = plan.reverse ? [...plan.ranges].reverse() : plan.ranges
      for (const range of ranges) {
        const stmt = plan.reverse ? stmts.rangeDesc : stmts.rangeAsc
        for (const row of stmt.iterate(range.lo, range.hi) as Iterable<{ id: string; v: number; doc: string }>) {
          const doc = emit(row)
          if (doc) yield doc
        }
      }
      return
    }
    // A scan decodes only documents whose stored text contains every required string literal.
    for (const row of info.scanAll.iterate() as Iterable<{ id: string; v: number; doc: string }>) {
      if (needles.every((n) => row.doc.includes(n))) yield emit(row)!
    }
  }

  /** Committed documents matching a MongoDB filter, sorted, skipped and limited with MongoDB semantics. */
  find(collection: string, filter: Doc, options: FindOptions = {}): StoredDoc[] {
    const info = this.collection(collection)
    const sort = options.sort ?? []
    const skip = options.skip ?? 0
    const limit = options.limit ?? Number.POSITIVE_INFINITY
    const plan = planQuery(filter, sort, info.indexes)
    // `{_id: 'x'}` alone: the row found by its id is the match, and its text is never parsed
    // unless someone reads its document (a read by id answers with the stored text)
    const matcher = plan.kind === 'ids' && isStringIdFilter(filter) ? undefined : compileFilter(filter)
    const needles = plan.kind === 'scan' ? requiredStrings(filter) : []
    const streamable = sort.length === 0 || (plan.kind === 'index' && plan.ordered)
    const out: StoredDoc[] = []
    if (streamable) {
      let skipped = 0
      for (const candidate of this.candidates(info, plan, needles)) {
        if (matcher && !matcher.test(candidate.doc)) continue
        if (skipped < skip) {
          skipped++
          continue
        }
        if (out.length >= limit) break
        out.push(candidate)
      }
      return out
    }
    for (const candidate of this.candidates(info, plan, needles)) if (!matcher || matcher.test(candidate.doc)) out.push(candidate)
    return sortStored(out, sort).slice(skip, skip + limit)
  }

  /** Number of committed documents matching a filter. */
  count(collection: string, filter: Doc): number {
    const info = this.collection(collection)
    if (Object.keys(filter).length === 0) return (info.countAll.get() as { n: number }).n
    return this.find(collection, filter).length
  }

  /** Every committed document of a collection, for aggregation's `$lookup`. */
  all(collection: string): Doc[] {
    const info = this.collection(collection)
    return (info.scanAll.all() as Array<{ doc: string }>).map((r) => fromStored(r.doc))
  }
}

/** `{_id: <string>}` and nothing else (a number would not match a string id: that needs mingo). */
function isStringIdFilter(filter: Doc): boolean {
  if (typeof filter._id !== 'string') return false
  for (const key in filter) if (key !== '_id') return false
  return true
}

/** A stored version (read or just written): its document is parsed from its text only if someone asks for it. */
function storedVersion(id: string, v: number, text: string): StoredDoc {
  let doc: Doc | undefined
  return {
    id,
    v,
    text,
    get doc() {
      return (doc ??= fromStored(text))
    },
  }
}

/**
 * String values a matching document must contain verbatim: top-level equalities on strings (an
 * array holding the string matches too, and its stored text contains it the same way). A
 * necessary condition only; mingo still decides.
 */
function requiredStrings(filter: Doc): string[] {
  const out: string[] = []
  for (const cond of indexableConditions(filter).values()) {
    if (cond.points?.length === 1 && typeof cond.points[0] === 'string') out.push(JSON.stringify(cond.points[0]))
  }
  return out
}

/** Sorts stored documents with MongoDB's cross-type ordering (mingo's). */
export function sortStored(docs: StoredDoc[], sort: SortSpec): StoredDoc[] {
  if (sort.length === 0 || docs.length < 2) return docs
  const byDoc = new Map<Doc, StoredDoc>(docs.map((d) => [d.doc, d]))
  const spec = Object.fromEntries(sort) as Record<string, 1 | -1>
  return mingoFind(docs.map((d) => d.doc), {}).sort(spec).all().map((d) => byDoc.get(d as Doc)!)
}

function validateIndexSpec(spec: IndexSpec): void {
  if (!spec || typeof spec.name !== 'string' || !NAME_PATTERN.test(spec.name)) throw new Error(`index name must match ${NAME_PATTERN}: ${JSON.stringify(spec?.name)}`)
  if (!Array.isArray(spec.keys) || spec.keys.length === 0 || spec.keys.length > 31) throw new Error(`index ${spec.name} needs 1 to 31 keys`)
  for (const k of spec.keys) {
    if (typeof k.field !== 'string' || k.field === '' || k.field.startsWith('$')) throw new Error(`index ${spec.name} has an invalid field ${JSON.stringify(k.field)}`)
    if (k.direction !== 1 && k.direction !== -1) throw new Error(`index ${spec.name} field ${k.field} needs direction 1 or -1`)
  }
}

