/**
 * `npm run bench:shop`: the whole purchase path through the local cloud's client endpoint over
 * HTTP (orders.create, the simulated wx.requestPayment `/_local/pay/confirm`, which delivers the
 * notification to payCallback and answers once the callback acknowledged it, i.e. the order is
 * paid), with BENCH_CONCURRENCY buyers in flight; then My customers' first page for a seller with 100k customers.
 * Prints figures as it goes; the last line is one JSON object (see README "Tests and benchmarks").
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import tcb from '@cloudbase/node-sdk'
import { startLocalCloud } from '../localcloud'
import { REPO_ROOT } from '../localcloud/config'
import { percentile, round as roundTo } from './figures'

const PURCHASES = Number(process.env.BENCH_PURCHASES ?? 2000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 24)
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 1)
const BUYERS = Number(process.env.BENCH_BUYERS ?? 1000)
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000)
const PAGE_QUERIES = Number(process.env.BENCH_PAGE_QUERIES ?? 200)
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 2000)
const SELLER_ID = 's_bench'
const SELLER_OPENID = 'o-bench-seller'

const round = (n: number, digits = 3) => roundTo(n, digits)

/** The machine's CPU time counters (Linux /proc/stat, in ticks): total and steal; undefined elsewhere. */
function hostCpuTimes(): { total: number; steal: number } | undefined {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number)
    return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 }
  } catch {
    return undefined
  }
}

async function post(url: string, body: unknown, openid?: string): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) }, body: JSON.stringify(body) })
  const json = await res.json()
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${JSON.stringify(json)}`)
  return json
}

interface BuyersJob {
  url: string
  productIds: string[]
  buyers: number
  /** Purchase numbers from..from+count-1 (each its own requestId and buyer). */
  from: number
  count: number
  concurrency: number
}

/**
 * The buyers: one thread that runs each job it is sent, `concurrency` purchases in flight, each
 * orders.create (and orders.pay if create gave no payment), then the simulated wx.requestPayment
 * confirm, which answers once payCallback acknowledged the notification. Clients are not part of
 * the server: on the local cloud's main thread their HTTP client took ~0.5 ms of each purchase
 * from the server. Their CPU still counts in the process's CPU per purchase. The same thread runs
 * the warm-up and the measured jobs, so that its own code is optimised before the measurement, as
 * the server's is (a fresh thread compiled its HTTP client while being measured).
 */
const BUYERS_CODE = `
const { parentPort } = require('node:worker_threads')
const { performance } = require('node:perf_hooks')
const http = require('node:http')
// node:http over kept-alive connections, one per buyer in flight: fetch (undici) cost this thread
// about 2.7 ms of CPU per purchase, a fifth of the whole process's, on the same two cores
const agent = new http.Agent({ keepAlive: true })
function post(url, body, openid) {
  const payload = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...(openid ? { 'x-wx-openid': openid } : {}) } }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        let json
        try { json = JSON.parse(Buffer.concat(chunks).toString('utf8')) } catch (err) { return reject(new Error(url + ': HTTP ' + res.statusCode + ', not JSON')) }
        if (res.statusCode < 200 || res.statusCode > 299) return reject(new Error(url + ': HTTP ' + res.statusCode + ' ' + JSON.stringify(json)))
        resolve(json)
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(payload)
  })
}
async function purchase(job, n) {
  const openid = 'o-bench-buyer-' + (n % job.buyers)
  const created = await post(job.url + '/functions/orders', { action: 'create', data: { requestId: 'bench-' + n + '-purchase', lines: [{ skuId: job.productIds[n % job.productIds.length], quantity: 1 }] } }, openid)
  if (created.result?.ok !== true) throw new Error('create: ' + JSON.stringify(created))
  const orderId = created.result.data.order._id
  if (!created.result.data.payment) {
    const paid = await post(job.url + '/functions/orders', { action: 'pay', data: { orderId } }, openid)
    if (paid.result?.ok !== true) throw new Error('pay: ' + JSON.stringify(paid))
  }
  // WeChat keeps delivering a notification the callback answered with "retry"; the simulator
  // gives up after 6 attempts, so a later confirm delivers it again
  let redelivered = 0
  let confirmed = await post(job.url + '/_local/pay/confirm', { outTradeNo: orderId })
  for (let again = 0; confirmed.delivered !== true && again < 20; again++) {
    redelivered++
    confirmed = await post(job.url + '/_local/pay/confirm', { outTradeNo: orderId })
  }
  // the callback answered {errcode: 0}: the order is paid (the sold count checks every one)
  if (confirmed.delivered === true) return redelivered
  throw new Error('order ' + orderId + ': the payment notification was never acknowledged: ' + JSON.stringify(confirmed))
}
async function run(job) {
  agent.maxSockets = job.concurrency
  const latencies = []
  let redelivered = 0
  let next = job.from
  await Promise.all(Array.from({ length: job.concurrency }, async () => {
    while (next < job.from + job.count) {
      const n = next++
      const t0 = performance.now()
      redelivered += await purchase(job, n)
      latencies.push(performance.now() - t0)
    }
  }))
  return { latencies, redelivered }
}
parentPort.on('message', (job) => run(job).then((m) => parentPort.postMessage(m), (err) => parentPort.postMessage({ error: String(err && err.stack || err) })))
`

/** The buyers' thread; `run` sends it one job and resolves with its latencies once every purchase of the job is paid. */
function startBuyers(): { run(job: BuyersJob): Promise<{ latencies: number[]; redelivered: number }>; stop(): Promise<number> } {
  const worker = new Worker(BUYERS_CODE, { eval: true })
  return {
    run: (job) =>
      new Promise((resolve, reject) => {
        const failed = (err: Error) => reject(err)
        worker.once('error', failed)
        worker.once('message', (m: { latencies: number[]; redelivered: number } | { error: string }) => {
          worker.off('error', failed)
          if ('error' in m) reject(new Error(m.error))
          else resolve(m)
        })
        worker.postMessage(job)
      }),
    stop: () => worker.terminate(),
  }
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-shop-'))
  process.env.TENCENTCLOUD = 'true' // keeps the SDK from probing cloud metadata hosts
  const cloud = await startLocalCloud({ port: 0, dataDir, seed: false, timers: false })
  try {
    const db = tcb.init({ env: cloud.envId, secretId: 'local', secretKey: 'local', serviceUrl: `${cloud.url}/admin`, timeout: 60_000 }).database()
    const productIds = Array.from({ length: PRODUCTS }, (_, i) => `p-bench-${i}`)
    // products without specs: one SKU each, with the product's id, which holds the stock (and, as the
    // catalogue's admin actions write them, the product's name, cover and on-sale flag)
    for (const id of productIds) {
      await db.collection('products').doc(id).set({ name: `bench tea ${id}`, categoryId: 'cat-bench', images: [], specNames: [], onSale: true, sort: 1, minPriceFen: 2990, maxPriceFen: 2990 })
      await db.collection('skus').doc(id).set({ productId: id, specValues: [], spec: '', priceFen: 2990, stock: PURCHASES * 10, reserved: 0, sold: 0, holds: [], onSale: true, sort: 0, productName: `bench tea ${id}`, productCover: '', productOnSale: true })
    }
    await db.collection('sellers').doc(SELLER_ID).set({ openid: SELLER_OPENID, shortCode: 'bench', status: 'active', name: 'bench seller' })
    // half the buyers bound to the seller, so the attribution is part of the path
    for (let i = 0; i < BUYERS; i += 2) await db.collection('customers').doc(`o-bench-buyer-${i}`).set({ sellerId: SELLER_ID, boundAt: new Date() })

    // warm-up, not measured: the function workers start and load their bundles, then WARM_UP
    // purchases as the measured ones run, so that V8 has optimised the hot code. Most functions
    // run once or a few times a purchase, so V8 tiers them up over thousands of purchases: after
    // 400, the measured 2000 still had ~500 TurboFan compilations (~3 s on the compiler threads)
    // and cost ~9.5 ms of CPU each; after 2000, ~230 compilations and ~7.5 ms (--trace-opt)
    const buyers = startBuyers()
    await buyers.run({ url: cloud.url, productIds, buyers: BUYERS, from: PURCHASES, count: 1, concurrency: 1 })
    const warmUpStart = performance.now()
    await buyers.run({ url: cloud.url, productIds, buyers: BUYERS, from: PURCHASES + 1, count: WARM_UP, concurrency: CONCURRENCY })
    console.log(`warm-up (not measured): ${WARM_UP} purchases at ${(WARM_UP / ((performance.now() - warmUpStart) / 1000)).toFixed(1)} purchases/s`)
    await post(`${cloud.url}/_local/counters/reset`, {})

    // CPU time of this process, which is the whole local cloud: server, SQLite and the function
    // workers (threads), and the buyers' thread. On a shared host it moves with purchases/s (the
    // same work takes longer, most likely when neighbours crowd the host); steal is the time the
    // host took the cores outright.
    const cpu0 = process.cpuUsage()
    const host0 = hostCpuTimes()
    // the main thread (HTTP, the database, dispatch) is the one that serialises everything: its busy time per purchase
    const elu0 = performance.eventLoopUtilization()
    const start = performance.now()
    const { latencies, redelivered } = await buyers.run({ url: cloud.url, productIds, buyers: BUYERS, from: 0, count: PURCHASES, concurrency: CONCURRENCY })
    const seconds = (performance.now() - start) / 1000
    await buyers.stop()
    const cpu = process.cpuUsage(cpu0)
    const host1 = hostCpuTimes()
    const mainBusyMs = performance.eventLoopUtilization(elu0).active
    const counters = (await (await fetch(`${cloud.url}/_local/counters`)).json()) as { total: number; byFunction: Record<string, number>; byAction: Record<string, number> }
    const purchasesPerSecond = PURCHASES / seconds
    const dbRoundTripsPerPurchase = counters.total / PURCHASES
    console.log(`${PURCHASES} purchases, ${CONCURRENCY} in flight, ${PRODUCTS} product(s): ${purchasesPerSecond.toFixed(1)} purchases/s`)
    console.log(`whole path (create + confirm + payCallback): p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`)
    console.log(`database round trips per purchase: ${dbRoundTripsPerPurchase.toFixed(2)}; notifications given up by the simulator and confirmed again: ${redelivered}`)
    console.log(`CPU per purchase (the whole local cloud, its function workers and the buyers' thread, user + system): ${((cpu.user + cpu.system) / 1000 / PURCHASES).toFixed(2)} ms`)
    console.log(`main thread busy per purchase (the local cloud's server, database and dispatch): ${(mainBusyMs / PURCHASES).toFixed(2)} ms`)
    if (host0 && host1) console.log(`host steal while measuring (CPU time the hypervisor gave others): ${((100 * (host1.steal - host0.steal)) / Math.max(1, host1.total - host0.total)).toFixed(1)}%`)
    console.log(`  by function: ${Object.entries(counters.byFunction).map(([k, v]) => `${k} ${(v / PURCHASES).toFixed(2)}`).join(', ')}`)
    console.log(`  by action: ${Object.entries(counters.byAction).map(([k, v]) => `${k} ${(v / PURCHASES).toFixed(2)}`).join(', ')}`)

    // the books balance after the run
    const sold = (await db.collection('skus').where({ _id: db.command.in(productIds) }).get()).data.reduce((s: number, p: { sold: number }) => s + p.sold, 0)
    if (sold !== PURCHASES + 1 + WARM_UP) throw new Error(`sold ${sold}, expected ${PURCHASES + 1 + WARM_UP}`)

    // My customers: 100k customers bound to one seller, first page by CLV
    const insertStart = performance.now()
    const boundAt0 = Date.UTC(2026, 0, 1)
    for (let i = 0; i < CUSTOMERS; i += 1000) {
      await db.collection('customers').add(
        Array.from({ length: Math.min(1000, CUSTOMERS - i) }, (_, j) => {
          const k = i + j
          const clvFen = (k * 7919) % 500_000
          return {
            _id: `o-mc-${String(k).padStart(6, '0')}`,
            nickname: `顾客${k}`,
            sellerId: SELLER_ID,
            boundAt: new Date(boundAt0 + k * 60_000),
            spendFen: (k * 31) % 200_000,
            paidOrders: 1 + (k % 9),
            lastPaidAt: new Date(boundAt0 + ((k * 13) % 300) * 86_400_000),
            score: { customerId: `o-mc-${k}`, pAlive: (k % 100) / 100, expectedSpendFen: 3000 + (k % 5000), clvFen, segment: ['champion', 'loyal', 'atRisk', 'lost'][k % 4] },
          }
        }),
      )
    }
    console.log(`inserted ${CUSTOMERS} customers of ${SELLER_ID} in ${((performance.now() - insertStart) / 1000).toFixed(1)} s`)

    const customersFunction = fs.existsSync(path.join(REPO_ROOT, 'cloudfunctions/customers/index.ts')) && fs.existsSync(path.join(REPO_ROOT, 'cloudfunctions/customers/index.js'))
    let firstPage: () => Promise<number>
    let how: string
    if (customersFunction) {
      how = `POST /functions/customers {action: 'list', data: {sort: 'clv'}} as the seller`
      firstPage = async () => {
        const res = await post(`${cloud.url}/functions/customers`, { action: 'list', data: { sort: 'clv' } }, SELLER_OPENID)
        if (res.result?.ok !== true) throw new Error(`customers.list: ${JSON.stringify(res)}`)
        const data = res.result.data
        return (data.customers ?? data.items ?? data.list ?? []).length
      }
    } else {
      how = `no cloudfunctions/customers yet: the equivalent SDK query where({sellerId}).orderBy('score.clvFen','desc').limit(20)`
      firstPage = async () => (await db.collection('customers').where({ sellerId: SELLER_ID }).orderBy('score.clvFen', 'desc').limit(20).get()).data.length
    }
    for (let k = 0; k < 10; k++) await firstPage() // warm-up
    await post(`${cloud.url}/_local/counters/reset`, {})
    const pageSamples: number[] = []
    let rows = 0
    for (let k = 0; k < PAGE_QUERIES; k++) {
      const t0 = performance.now()
      rows = await firstPage()
      pageSamples.push(performance.now() - t0)
    }
    const pageCounters = (await (await fetch(`${cloud.url}/_local/counters`)).json()) as { total: number }
    console.log(`My customers' first page (${how}): ${rows} rows, p50 ${percentile(pageSamples, 50).toFixed(2)} ms, p99 ${percentile(pageSamples, 99).toFixed(2)} ms, ${(pageCounters.total / PAGE_QUERIES).toFixed(1)} database round trips`)

    console.log(
      JSON.stringify({
        purchasesPerSecond: round(purchasesPerSecond, 1),
        purchaseP50Ms: round(percentile(latencies, 50), 1),
        purchaseP99Ms: round(percentile(latencies, 99), 1),
        dbRoundTripsPerPurchase: round(dbRoundTripsPerPurchase, 2),
        myCustomersFirstPageP50Ms: round(percentile(pageSamples, 50), 2),
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
