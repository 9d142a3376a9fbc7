/**
 * `npm run bench:db`: the local cloud's database on a 100k-document collection.
 * Prints figures as it goes; the last line is one JSON object (see README "Benchmarks").
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import BetterSqlite3 from 'better-sqlite3'
import { EJSON } from 'bson'
import tcb from '@cloudbase/node-sdk'
import { startLocalCloud } from '../localcloud'
import type { DatabaseModule } from '../localcloud/db/module'
import { percentile, round as roundTo } from './figures'

const DOCS = Number(process.env.BENCH_DOCS ?? 100_000)
const BATCH = 1000
const POINT_QUERIES = Number(process.env.BENCH_QUERIES ?? 2000)
const SCAN_QUERIES = 10

const skuOf = (i: number) => `SKU-${String(i).padStart(7, '0')}`
const makeDoc = (i: number) => ({
  sku: skuOf(i),
  label: `product ${i % 997}`,
  priceFen: 100 + ((i * 7919) % 100_000),
  stock: i % 50,
  tags: ['bench', i % 2 ? 'odd' : 'even'],
  createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000),
})

const round = (n: number, digits = 4) => roundTo(n, digits)

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-db-'))
  process.env.TENCENTCLOUD = 'true' // keeps the SDK from probing cloud metadata hosts
  const cloud = await startLocalCloud({ port: 0, dataDir, seed: false, timers: false })
  try {
    const app = tcb.init({ env: cloud.envId, secretId: 'local', secretKey: 'local', serviceUrl: `${cloud.url}/admin`, timeout: 60_000 })
    const db = app.database()
    await db.createCollection('bench')
    cloud.module<DatabaseModule>('database').store.ensureIndexes('bench', [{ name: 'sku_1', keys: [{ field: 'sku', direction: 1 }] }])

    // inserts through the SDK, BATCH documents per request
    const insertStart = performance.now()
    for (let i = 0; i < DOCS; i += BATCH) {
      await db.collection('bench').add(Array.from({ length: Math.min(BATCH, DOCS - i) }, (_, j) => makeDoc(i + j)))
    }
    const insertsPerSecond = DOCS / ((performance.now() - insertStart) / 1000)
    console.log(`inserted ${DOCS} documents: ${insertsPerSecond.toFixed(0)} docs/s (batches of ${BATCH} through the SDK)`)

    // the floor: the same SDK call against a server that answers a canned reply without any work,
    // measured interleaved with the real query so both see the same machine and heap
    const canned = JSON.stringify({ requestId: 'echo', data: { list: [EJSON.stringify(makeDoc(1), { relaxed: false })] }, limit: 100, offset: 0 })
    const echo = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(canned)
      })
    })
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
    const echoDb = tcb.init({ env: cloud.envId, secretId: 'local', secretKey: 'local', serviceUrl: `http://127.0.0.1:${(echo.address() as AddressInfo).port}/admin` }).database()
    // indexed point query through the SDK
    const pick = (k: number) => skuOf((k * 7_368_787) % DOCS)
    for (let k = 0; k < 200; k++) await db.collection('bench').where({ sku: pick(k) }).get() // warm-up
    const sdkSamples: number[] = []
    const echoSamples: number[] = []
    for (let k = 0; k < POINT_QUERIES; k++) {
      let t0 = performance.now()
      const res = await db.collection('bench').where({ sku: pick(k) }).get()
      sdkSamples.push(performance.now() - t0)
      if (res.data.length !== 1) throw new Error(`indexed query for ${pick(k)} found ${res.data.length} documents`)
      t0 = performance.now()
      await echoDb.collection('bench').where({ sku: pick(k) }).get()
      echoSamples.push(performance.now() - t0)
    }
    echo.close()
    console.log(`indexed point query via SDK: p50 ${percentile(sdkSamples, 50).toFixed(3)} ms, p99 ${percentile(sdkSamples, 99).toFixed(3)} ms`)
    console.log(`the same SDK call against a canned-reply echo server: p50 ${percentile(echoSamples, 50).toFixed(3)} ms (the SDK's own floor)`)

    // unindexed query through the SDK (scans the collection)
    const scanSamples: number[] = []
    for (let k = 0; k < SCAN_QUERIES; k++) {
      const t0 = performance.now()
      await db.collection('bench').where({ label: `product ${k}`, stock: 3 }).get()
      scanSamples.push(performance.now() - t0)
    }
    console.log(`unindexed query via SDK: p50 ${percentile(scanSamples, 50).toFixed(3)} ms`)

    // the local cloud's own handling of the indexed query: the action as the wire delivers it, without HTTP
    const serverSamples: number[] = []
    for (let k = 0; k < POINT_QUERIES; k++) {
      const body = { action: 'database.getDocument', collectionName: 'bench', queryType: 'WHERE', query: EJSON.stringify({ sku: pick(k) }, { relaxed: false }), limit: 100 }
      const t0 = performance.now()
      const reply = await cloud.dispatch(body)
      serverSamples.push(performance.now() - t0)
      if ((reply.data as { list: string[] }).list.length !== 1) throw new Error('server handling found no document')
    }
    const serverHandlingP50Ms = percentile(serverSamples, 50)
    console.log(`local cloud handling (no HTTP): p50 ${serverHandlingP50Ms.toFixed(4)} ms`)

    // the same query directly on better-sqlite3: an indexed column lookup plus parsing the document
    const direct = new BetterSqlite3(path.join(dataDir, 'direct.sqlite'))
    direct.pragma('journal_mode = WAL')
    direct.exec('CREATE TABLE docs (id TEXT PRIMARY KEY, sku TEXT NOT NULL, doc TEXT NOT NULL); CREATE INDEX docs_sku ON docs (sku)')
    const insert = direct.prepare('INSERT INTO docs (id, sku, doc) VALUES (?, ?, ?)')
    direct.transaction(() => {
      for (let i = 0; i < DOCS; i++) insert.run(String(i), skuOf(i), JSON.stringify(makeDoc(i)))
    })()
    const lookup = direct.prepare('SELECT doc FROM docs WHERE sku = ?')
    const directSamples: number[] = []
    for (let k = 0; k < POINT_QUERIES; k++) {
      const t0 = performance.now()
      const row = lookup.get(pick(k)) as { doc: string } | undefined
      const parsed = row && JSON.parse(row.doc)
      directSamples.push(performance.now() - t0)
      if (!parsed) throw new Error('direct query found no row')
    }
    direct.close()
    const directSqliteP50Ms = percentile(directSamples, 50)
    console.log(`direct better-sqlite3 (indexed column + JSON.parse): p50 ${directSqliteP50Ms.toFixed(4)} ms`)


    console.log(
      JSON.stringify({
        insertsPerSecond: Math.round(insertsPerSecond),
        indexedQueryP50Ms: round(percentile(sdkSamples, 50)),
        indexedQueryP99Ms: round(percentile(sdkSamples, 99)),
        unindexedQueryP50Ms: round(percentile(scanSamples, 50)),
        serverHandlingP50Ms: round(serverHandlingP50Ms),
        directSqliteP50Ms: round(directSqliteP50Ms),
        serverOverDirectRatio: round(serverHandlingP50Ms / directSqliteP50Ms, 2),
        sdkEchoP50Ms: round(percentile(echoSamples, 50)),
      }),
    )
  } finally {
    await cloud.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
