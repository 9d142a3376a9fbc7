import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { exited, serverDb as sdk, startServerProcess as startServer } from '../helpers/server-process'

/**
 * kill -9 of the local cloud (run as `npm start` runs it, in its own process) while purchases
 * AND refunds (buyers' requests, the owner's approvals, refund notifications) are provably in
 * flight, then a restart on the same data folder: WeChat Pay's side (the simulator keeps its state
 * in DATA_DIR, as WeChat does not crash with us) delivers again every notification not yet
 * acknowledged, and the `orders` timer recovers the rest. Then: for every SKU stock + reserved +
 * sold = initial, nothing negative, nothing reserved, sold = the units paid for and not returned;
 * every acknowledged order and payment survives; every order counted once on its buyer and its
 * seller; the customers' recorded spend = paid totals - refunds; the seller's commission ledger
 * adds up.
 *
 * What a restart recovers (backend/orders.ts, backend/refunds.ts, the `orders` timer): unpaid
 * orders past expiry are closed and cancelled (or settled, when WeChat says they were paid), their
 * stock released; a cancelled order still holding stock is released; a paid order whose held units
 * were not yet moved to sold has them moved; holds no unpaid order owns (a create killed between
 * reserving and writing its order) go back to stock; an approved refund WeChat Pay never took is
 * submitted again under its number; a refund's stock return a crash interrupted is finished.
 */

const PRODUCTS = [
  { _id: 'p-crash-tea', name: 'crash tea', priceFen: 1990, stock: 600 },
  { _id: 'p-crash-nuts', name: 'crash nuts', priceFen: 3550, stock: 600 },
  { _id: 'p-crash-snack', name: 'crash snack', priceFen: 990, stock: 600 },
  { _id: 'p-crash-cup', name: 'crash cup', priceFen: 5800, stock: 600 },
  { _id: 'p-crash-few', name: 'crash scarce', priceFen: 12800, stock: 25 },
]
const SELLER = 's_crash'
const OWNER = 'o-crash-owner'
/** The store's default commission rate (no settings stored). */
const RATE_BPS = 1000
const BUYERS = Array.from({ length: 32 }, (_, i) => `o-crash-${i}`)
const BOUND = new Set(BUYERS.filter((_, i) => i % 2 === 0))
/** Acknowledged creates and approved refunds before the kill. */
const KILL_AFTER = 120
const REFUNDS_BEFORE_KILL = 12
/** Concurrent refunders (each: a buyer's request, the owner's approval, often a notification delivered at once). */
const REFUNDERS = 4

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function post(url: string, body: unknown, openid?: string): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) }, body: JSON.stringify(body) })
  return { status: res.status, json: await res.json() }
}

async function allDocs(db: ReturnType<typeof sdk>, collection: string): Promise<any[]> {
  const out: any[] = []
  for (;;) {
    const { data } = await db.collection(collection).orderBy('_id', 'asc').skip(out.length).limit(1000).get()
    out.push(...data)
    if (data.length < 1000) return out
  }
}

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32)
}

let dataDir: string
let servers: ChildProcess[] = []
beforeAll(() => {
  // the server processes inherit the environment: the owner who approves refunds
  process.env.OWNER_OPENIDS = OWNER
})
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-'))
})
afterEach(async () => {
  for (const child of servers) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await exited(child)
    }
  }
  servers = []
  fs.rmSync(dataDir, { recursive: true, force: true })
})

test('kill -9 with purchases and refunds in flight, restart, redelivery and timer runs: stock, orders, spend and commissions all add up', async () => {
  const first = await startServer(dataDir, { timers: false })
  servers.push(first.child)
  const db1 = sdk(first.url)
  for (const { _id, name, priceFen, stock } of PRODUCTS) {
    await db1.collection('products').doc(_id).set({ name, categoryId: 'cat-crash', images: [], specNames: [], onSale: true, sort: 1 })
    // SKUs as written before the product fields were copied onto them: the first purchases backfill them
    await db1.collection('skus').doc(_id).set({ productId: _id, specValues: [], spec: '', priceFen, stock, onSale: true, reserved: 0, sold: 0, holds: [], sort: 0 })
  }
  await db1.collection('sellers').doc(SELLER).set({ openid: 'o-crash-seller', shortCode: 'crash', status: 'active', name: 'crash seller' })
  for (const buyer of BOUND) await db1.collection('customers').doc(buyer).set({ sellerId: SELLER })
  // refund notifications wait until a refunder delivers one (or the restart does): unacknowledged ones pile up
  await post(`${first.url}/_local/pay/refundNotifications`, { hold: true })

  // the purchases: each buyer creates orders and (mostly) pays them, as fast as the server answers
  const acknowledgedCreates = new Set<string>()
  const deliveredPayments: Array<{ orderId: string; openid: string; units: number }> = []
  const outOfStock: string[] = []
  const unexpected: unknown[] = []
  const inFlight = { create: 0, confirm: 0, refundRequest: 0, approve: 0, notify: 0 }
  let atKill = { ...inFlight }
  let killed = false
  const buyer = async (openid: string, index: number) => {
    const random = rng(index + 1)
    for (let n = 0; !killed; n++) {
      const lines = PRODUCTS.filter(() => random() < 0.25).map((p) => ({ skuId: p._id, quantity: 1 + Math.floor(random() * 3) }))
      if (lines.length === 0) lines.push({ skuId: PRODUCTS[n % PRODUCTS.length]._id, quantity: 1 })
      let created: { status: number; json: any }
      inFlight.create++
      try {
        created = await post(`${first.url}/functions/orders`, { action: 'create', data: { requestId: `crash-${index}-${n}`, lines } }, openid)
      } catch {
        return // the server died under this request
      } finally {
        inFlight.create--
      }
      const result = created.json.result
      if (result?.ok !== true) {
        if (result?.code === 'OUT_OF_STOCK') outOfStock.push(openid)
        else unexpected.push(created.json)
        continue
      }
      const orderId: string = result.data.order._id
      acknowledgedCreates.add(orderId)
      if (random() < 0.2) continue // left unpaid: the expiry after the restart cancels it
      inFlight.confirm++
      try {
        const confirmed = await post(`${first.url}/_local/pay/confirm`, { outTradeNo: orderId })
        // not delivered yet (the callback kept answering "retry"): WeChat would keep delivering; the order stays unpaid for now
        if (confirmed.json.delivered === true) deliveredPayments.push({ orderId, openid, units: lines.reduce((s, l) => s + l.quantity, 0) })
        else if (confirmed.json.state !== 'SUCCESS') unexpected.push(confirmed.json)
      } catch {
        return
      } finally {
        inFlight.confirm--
      }
    }
  }

  // the refunds: paid orders, each refunded at most once (whole, or one unit when it has more),
  // approved by the owner (restocked or not), and often notified at once
  const approvedRefunds = new Set<string>()
  // the kill waits until both kinds were approved, so that both must survive it (which refunder gets
  // an order of several units is a matter of timing)
  const approvedKinds = { whole: 0, partial: 0 }
  let refundQueue = 0
  const step = async <T>(kind: 'refundRequest' | 'approve' | 'notify', run: () => Promise<T>): Promise<T | undefined> => {
    inFlight[kind]++
    try {
      return await run()
    } catch {
      return undefined // the server died under this request
    } finally {
      inFlight[kind]--
    }
  }
  const refunder = async (index: number) => {
    const random = rng(1000 + index)
    while (!killed) {
      const paid = deliveredPayments[refundQueue]
      if (!paid) {
        await sleep(5)
        continue
      }
      refundQueue++
      const lines = paid.units > 1 && random() < 0.5 ? undefined : null // undefined: one unit of its first line
      const order = (await db1.collection('orders').doc(paid.orderId).get().catch(() => ({ data: [] }))).data[0]
      if (!order || killed) continue
      const partial = lines === undefined ? { lines: [{ skuId: order.lines[0].skuId, quantity: 1 }] } : {}
      const asked = await step('refundRequest', () => post(`${first.url}/functions/orders`, { action: 'refund.request', data: { orderId: paid.orderId, requestId: `refund-${paid.orderId}`, reason: '不想要了', ...partial } }, paid.openid))
      if (!asked) return
      if (asked.json.result?.ok !== true) {
        unexpected.push(asked.json)
        continue
      }
      const outRefundNo: string = asked.json.result.data.refund.outRefundNo
      const approved = await step('approve', () => post(`${first.url}/functions/orders`, { action: 'admin.refund.approve', data: { orderId: paid.orderId, restock: random() < 0.5 } }, OWNER))
      if (!approved) return
      if (approved.json.result?.ok !== true) {
        unexpected.push(approved.json)
        continue
      }
      approvedRefunds.add(outRefundNo)
      approvedKinds[lines === undefined ? 'partial' : 'whole']++
      if (random() < 0.6) {
        const notified = await step('notify', () => post(`${first.url}/_local/pay/notifyRefund`, { outRefundNo }))
        if (!notified) return
      }
    }
  }

  // stock read while purchases run: every SKU document satisfies the invariant at every read
  const samples: Array<{ _id: string; stock: number; reserved: number; sold: number }> = []
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      try {
        samples.push(...(await db1.collection('skus').limit(10).get()).data)
      } catch {
        return
      }
      await sleep(20)
    }
  })()

  const running = Promise.all([...BUYERS.map((b, i) => buyer(b, i)), ...Array.from({ length: REFUNDERS }, (_, i) => refunder(i))])
  const refundsInFlight = () => inFlight.refundRequest + inFlight.approve + inFlight.notify
  const deadline = Date.now() + 60_000
  while (acknowledgedCreates.size < KILL_AFTER || approvedRefunds.size < REFUNDS_BEFORE_KILL || approvedKinds.whole === 0 || approvedKinds.partial === 0 || inFlight.create === 0 || refundsInFlight() === 0) {
    if (unexpected.length > 0) throw new Error(`unexpected answer before the kill: ${JSON.stringify(unexpected[0])}`)
    if (Date.now() > deadline) throw new Error(`no moment with purchases and refunds in flight: ${acknowledgedCreates.size} creates, ${approvedRefunds.size} refunds approved (${JSON.stringify(approvedKinds)})`)
    await sleep(1)
  }
  sampling = false
  atKill = { ...inFlight }
  killed = true
  first.child.kill('SIGKILL')
  await exited(first.child)
  await Promise.all([running, sampler])

  // purchases and refunds were provably in flight when the server died
  expect(atKill.create).toBeGreaterThan(0)
  expect(atKill.refundRequest + atKill.approve + atKill.notify).toBeGreaterThan(0)
  expect(unexpected).toEqual([])
  expect(deliveredPayments.length).toBeGreaterThan(0)
  expect(approvedRefunds.size).toBeGreaterThanOrEqual(REFUNDS_BEFORE_KILL)
  expect(samples.length).toBeGreaterThan(0)
  for (const s of samples) {
    const initial = PRODUCTS.find((p) => p._id === s._id)!.stock
    expect(s.stock).toBeGreaterThanOrEqual(0)
    expect(s.stock + s.reserved + s.sold).toBe(initial)
  }

  // restart on the same data, with timers: WeChat Pay's side delivers what was not acknowledged;
  // the clock moves past expiry and past the stranded-hold horizon, so the `orders` timer fires and
  // recovers what the crash left
  const second = await startServer(dataDir, { timers: true })
  servers.push(second.child)
  const db2 = sdk(second.url)
  const settle = async () => {
    await post(`${second.url}/_local/clock`, { advanceMs: 40 * 60_000 })
    for (let waited = 0; ; waited += 50) {
      if (waited > 30_000) throw new Error('the restart did not settle the orders and refunds')
      await sleep(50)
      const fns = (await (await fetch(`${second.url}/_local/functions`)).json()) as { functions: Array<{ name: string; inFlight: number }> }
      if (fns.functions.some((f) => f.inFlight > 0)) continue
      const _ = db2.command
      const counts = await Promise.all([
        db2.collection('orders').where({ status: 'pending_payment' }).count(),
        db2.collection('skus').where({ reserved: _.gt(0) }).count(),
        db2.collection('orders').where({ 'refunds.state': 'approved' }).count(),
        db2.collection('orders').where({ stockReturnsDue: _.exists(true).and(_.neq([])) }).count(),
      ])
      if (counts.every((c) => c.total === 0)) return
    }
  }
  await settle()
  const snapshot = async () => ({
    orders: await allDocs(db2, 'orders'),
    skus: await allDocs(db2, 'skus'),
    // what the purchases and refunds recorded (the value refit timer may rescore customers meanwhile: scores are left out)
    customers: (await allDocs(db2, 'customers')).map(({ _id, paidOrders, spendFen, stats, sellerId }) => ({ _id, paidOrders, spendFen, stats, sellerId })),
    sellers: await allDocs(db2, 'sellers'),
    commissions: await allDocs(db2, 'commissions'),
  })
  const after = await snapshot()

  // every acknowledged order survived; every payment whose notification was answered is paid (and maybe refunded since)
  const byId = new Map(after.orders.map((o) => [o._id, o]))
  for (const id of acknowledgedCreates) expect(byId.has(id)).toBe(true)
  for (const { orderId } of deliveredPayments) expect(['paid', 'refund_requested', 'refunded']).toContain(byId.get(orderId)?.status)
  for (const o of after.orders) {
    expect(['paid', 'cancelled', 'refund_requested', 'refunded']).toContain(o.status)
    expect(o.stockHeld).toBe(false)
    // every approved refund was accepted and notified (the restart redelivered what the kill cut off); none is lost
    for (const r of o.refunds ?? []) expect(['requested', 'succeeded']).toContain(r.state)
  }
  const paid = after.orders.filter((o) => o.status !== 'cancelled')
  expect(paid.every((o) => o.paidAt && o.transactionId)).toBe(true)
  expect(after.orders.some((o) => o.status === 'cancelled')).toBe(true)
  const succeeded = paid.flatMap((o) => (o.refunds ?? []).filter((r: any) => r.state === 'succeeded').map((r: any) => ({ order: o, refund: r })))
  for (const no of approvedRefunds) expect(succeeded.some(({ refund }) => refund.outRefundNo === no)).toBe(true)
  expect(succeeded.some(({ refund }) => refund.full)).toBe(true)
  expect(succeeded.some(({ refund }) => !refund.full)).toBe(true)
  // no payment recorded on two orders
  expect(new Set(paid.map((o) => o.transactionId)).size).toBe(paid.length)
  // each order's refunded amount is its succeeded refunds, once each
  for (const o of paid) expect({ id: o._id, refundedFen: o.refundedFen ?? 0 }).toEqual({ id: o._id, refundedFen: (o.refunds ?? []).filter((r: any) => r.state === 'succeeded').reduce((s: number, r: any) => s + r.refundFen, 0) })

  // stock: nothing reserved any more, sold = the units paid for minus those refunded back to stock, and the units add up
  for (const initial of PRODUCTS) {
    const p = after.skus.find((d) => d._id === initial._id)
    const units = (lines: any[]) => lines.filter((l: any) => l.skuId === initial._id).reduce((s: number, l: any) => s + l.quantity, 0)
    const soldByOrders = units(paid.flatMap((o) => o.lines))
    const returned = units(succeeded.filter(({ refund }) => refund.restock).flatMap(({ refund }) => refund.lines))
    expect({ id: p._id, stock: p.stock >= 0, reserved: p.reserved, holds: p.holds, units: p.stock + p.reserved + p.sold, sold: p.sold }).toEqual({
      id: initial._id,
      stock: true,
      reserved: 0,
      holds: [],
      units: initial.stock,
      sold: soldByOrders - returned,
    })
  }

  // each paid order counted once on its buyer; recorded spend = paid totals - refunds
  const paidTotal = paid.reduce((s, o) => s + o.totalFen, 0)
  const refundedTotal = succeeded.reduce((s, { refund }) => s + refund.refundFen, 0)
  expect(refundedTotal).toBeGreaterThan(0)
  expect(after.customers.reduce((s, c) => s + (c.spendFen ?? 0), 0)).toBe(paidTotal - refundedTotal)
  for (const c of after.customers) {
    const mine = paid.filter((o) => o._openid === c._id)
    const kept = mine.filter((o) => o.status !== 'refunded')
    expect({ id: c._id, paidOrders: c.paidOrders ?? 0, spendFen: c.spendFen ?? 0 }).toEqual({ id: c._id, paidOrders: kept.length, spendFen: kept.reduce((s, o) => s + o.totalFen - (o.refundedFen ?? 0), 0) })
  }

  // ... and once on its seller: one commission entry per paid order credited to the seller, its
  // reversals the refunds' shares, once per refund; the seller's account adds the entries up
  const attributed = paid.filter((o) => o.sellerId === SELLER)
  expect(attributed.length).toBeGreaterThan(0)
  expect(after.commissions.map((e) => e.orderId).sort()).toEqual(attributed.map((o) => o._id).sort())
  for (const o of attributed) {
    const entry = after.commissions.find((e) => e.orderId === o._id)
    const refunds = succeeded.filter(({ order }) => order._id === o._id).map(({ refund }) => refund.outRefundNo)
    expect({ id: o._id, amountFen: entry.amountFen, refunds: entry.refunds.map((r: any) => r.refundId).sort() }).toEqual({ id: o._id, amountFen: Math.floor((o.itemsFen * RATE_BPS) / 10_000), refunds: refunds.sort() })
    if (o.status === 'refunded') expect(entry).toMatchObject({ status: 'reversed', reversedFen: entry.amountFen })
  }
  const summary = (await post(`${second.url}/functions/commissions`, { action: 'summary', data: { sellerId: SELLER } }, OWNER)).json.result
  const sum = (xs: any[], f: (x: any) => number) => xs.reduce((s, x) => s + f(x), 0)
  expect(summary).toMatchObject({
    ok: true,
    data: {
      summary: {
        creditedFen: sum(after.commissions, (e) => e.amountFen),
        reversedFen: sum(after.commissions, (e) => e.reversedFen),
        pendingFen: sum(after.commissions.filter((e) => e.status === 'pending'), (e) => e.amountFen - e.reversedFen),
        balanceFen: 0,
      },
    },
  })

  // a second run of the timers (and another restart's redelivery) changes nothing: every recovery step happens once
  await settle()
  expect(await snapshot()).toEqual(after)
}, 180_000)
