import path from 'node:path'
import { sendJson } from '../http'
import type { LocalCloud, LocalCloudModule } from '../server'
import { registerDatabaseActions } from './actions'
import { readDeclarations, readSeed } from './declarations'
import { DatabaseEngine } from './engine'
import { DocumentStore, newDocumentId } from './store'

export interface DatabaseModuleOptions {
  dataDir: string
  /** Folder with collections/*.json declarations and seed/*.json demo data. */
  databaseDir: string
  /** Seed the demo data into an empty database. */
  seed: boolean
  transactionTimeoutMs?: number
}

/** The database part of the local cloud: the SQLite document store behind the SDK's `database.*` actions. */
export class DatabaseModule implements LocalCloudModule {
  readonly name = 'database'
  store!: DocumentStore
  engine!: DatabaseEngine
  private expiryTimer?: NodeJS.Timeout

  constructor(private readonly options: DatabaseModuleOptions) {}

  attach(cloud: LocalCloud): void {
    this.store = new DocumentStore(path.join(this.options.dataDir, 'database.sqlite'))
    this.engine = new DatabaseEngine(this.store, () => cloud.clock.now(), this.options.transactionTimeoutMs)
    registerDatabaseActions(cloud, this.engine)
    const declarations = readDeclarations(this.options.databaseDir)
    for (const decl of declarations) {
      if (!this.store.hasCollection(decl.name)) this.store.createCollection(decl.name, cloud.clock.now())
      this.store.ensureIndexes(decl.name, decl.indexes)
    }
    if (this.options.seed) this.seedIfEmpty(cloud.clock.now())
    cloud.router.add('GET', /^\/_local\/database$/, ({ res }) =>
      sendJson(res, 200, {
        collections: Object.fromEntries(this.store.listCollections().map((c) => [c, this.store.count(c, {})])),
        openTransactions: this.engine.openTransactions(),
      }),
    )
  }

  start(): void {
    this.expiryTimer = setInterval(() => this.engine.expireTransactions(), Math.min(1000, this.engine.transactionTimeoutMs))
    this.expiryTimer.unref()
  }

  stop(): void {
    if (this.expiryTimer) clearInterval(this.expiryTimer)
    this.store.close()
  }

  /** Seeds demo documents only when every seeded collection is empty, so a restart never duplicates them. */
  private seedIfEmpty(now: number): void {
    const seed = readSeed(this.options.databaseDir, now)
    const empty = [...seed.keys()].every((c) => !this.store.hasCollection(c) || this.store.count(c, {}) === 0)
    if (!empty) return
    this.store.atomically(() => {
      for (const [collection, docs] of seed) {
        if (!this.store.hasCollection(collection)) this.store.createCollection(collection, now)
        for (const doc of docs) this.store.put(collection, { ...doc, _id: doc._id ?? newDocumentId() })
      }
    })
  }
}
