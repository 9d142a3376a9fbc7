/**
 * The value refit on a store of a few thousand customers: the owner starts it, the `customers`
 * timer continues it batch by batch (a function runs at most 60 s), a run that died is resumed
 * once its lease expires, concurrent ticks never run twice at once, a payment made meanwhile
 * keeps its own score, and at the end every customer holds the score of the new model and every
 * referrer their referral value.
 */
import { cloudApp } from '../../backend/cloud'
import { nightlyRefitDue, writeScoreIfUnchanged } from '../../backend/value-refit'
import { dayNumber, dayString, referralValueOfReferrer, scoreCustomer, statsFromPurchases, storeDayOf } from '../../domain/value'
import type { DatabaseModule } from '../../localcloud/db/module'
import type { CustomerStats } from '../../typings/value'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { confirmPayment, createAndPay } from '../orders/helpers'
import { CALIBRATION_END, cdnowSample } from '../value/cdnow'
import { seededRandom } from '../../scripts/demo-history'
import { expectOk, OWNER, refitTick, storeAs } from './helpers'

const CUSTOMERS = 3000
const REFERRERS = 30
const BATCH = 250
const id = (i: number) => `c-${String(i).padStart(5, '0')}`
const code = (i: number) => `Ref${String(i).padStart(5, '0')}`

jest.setTimeout(120_000)
let t: TestCloud
const today = storeDayOf(new Date())
const withStats = new Set<string>()

beforeAll(async () => {
  process.env.OWNER_OPENIDS = OWNER
  t = await startTestCloud()
  process.env.LOCAL_CLOUD_URL = t.url // the test's own cloudApp() (backend/cloud.ts) talks to this cloud
  const rand = seededRandom(4242)
  const store = t.cloud.module<DatabaseModule>('database').store
  // real purchase histories: the CDNOW sample (2,357 customers), moved to end three days ago, dollars as yuan
  const shift = dayNumber(today) - 3 - dayNumber(CALIBRATION_END)
  const byCustomer = new Map<string, Array<{ day: string; amountFen: number }>>()
  for (const tx of cdnowSample().transactions) {
    if (tx.day > dayNumber(CALIBRATION_END)) continue
    byCustomer.set(tx.customerId, [...(byCustomer.get(tx.customerId) ?? []), { day: dayString(tx.day + shift), amountFen: Math.round(tx.amount * 100) }])
  }
  const histories = [...byCustomer.values()]
  let next = 0
  for (let i = 0; i < CUSTOMERS; i++) {
    const doc: Record<string, unknown> = { _id: id(i), nickname: `客户${i}`, createdAt: new Date('2026-04-01T00:00:00Z') }
    if (i >= REFERRERS && rand() < 0.5) {
      const referrer = Math.floor(rand() * REFERRERS)
      doc.sellerId = 's_x'
      doc.bindingSource = { code: code(referrer), scene: 1007 }
      doc.boundAt = new Date(`${dayString(dayNumber(today) - 3 - 273 + Math.floor(rand() * 90))}T02:00:00Z`)
    }
    if (next < histories.length && i % 5 !== 2) {
      const purchases = histories[next++]
      const stats = statsFromPurchases(id(i), purchases) as CustomerStats
      doc.stats = stats
      doc.paidOrders = purchases.length
      doc.spendFen = purchases.reduce((sum, p) => sum + p.amountFen, 0)
      doc.score = { customerId: id(i), scoredAt: '2026-01-01', clvFen: -1, segment: 'lost' } // stale, to be replaced
      withStats.add(id(i))
    }
    store.put('customers', doc as any)
  }
  for (let r = 0; r < REFERRERS; r++) store.put('shareCodes', { _id: code(r), openid: id(r), createdAt: new Date('2026-04-01T00:00:00Z') } as any)
  store.put('products', { _id: 'p-tea', name: 'Tea', categoryId: 'cat-tea', images: [], specNames: [], onSale: true, sort: 1 } as any)
  store.put('skus', { _id: 'p-tea', productId: 'p-tea', specValues: [], spec: '', priceFen: 5000, stock: 100, reserved: 0, sold: 0, holds: [], stockLog: [], onSale: true, sort: 0 } as any)
}, 120_000)
afterAll(() => t?.stop())

const owner = () => storeAs(t, OWNER)
const job = async () => (await t.db.collection('settings').doc('valueRefit').get()).data[0]
const customer = async (openid: string) => (await t.db.collection('customers').doc(openid).get()).data[0]

async function allCustomers(): Promise<any[]> {
  const out: any[] = []
  for (let skip = 0; ; skip += 1000) {
    const { data } = await t.db.collection('customers').orderBy('_id', 'asc').skip(skip).limit(1000).get()
    out.push(...data)
    if (data.length < 1000) return out
  }
}

async function pay(openid: string): Promise<void> {
  const { order } = await createAndPay(t, openid, [{ skuId: 'p-tea', quantity: 1 }])
  await confirmPayment(t, order._id)
}

let jobId: string

test('the owner starts a refit: the model is fitted from every customer and stored, then the first batches are rescored', async () => {
  const started = expectOk(await owner()<any>('refit.start', { batchSize: BATCH, batchesPerRun: 2 })).job
  jobId = started.jobId
  expect(started).toMatchObject({ trigger: 'owner', phase: 'rescore', modelVersion: jobId, runs: 1 })
  const stored = (await t.db.collection('settings').doc('valueModel').get()).data[0]
  expect(stored.version).toBe(jobId)
  expect(stored.model.customers).toBe(withStats.size)
  expect(stored.model.source).toBe('fit')
  expect((await job()).cursor).toBe(id(BATCH - 1))
  // starting again while it runs joins it
  expect(expectOk(await owner()<any>('refit.start', {})).job.jobId).toBe(jobId)
  const status = expectOk(await owner()<any>('refit.status'))
  expect(status.job.jobId).toBe(jobId)
  expect(status.model).toMatchObject({ version: jobId, customers: withStats.size })
})

test('a client posing as the timer is refused and the job does not move', async () => {
  const before = await job()
  expect(await t.invoke('customers', { Type: 'Timer', TriggerName: 'valueRefit', Time: '2026-11-27T00:00:00Z', Message: '' }, { openid: 'o-x' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  expect(await job()).toEqual(before)
})

test('a payment between the rescore’s read and its write keeps the payment’s score', async () => {
  const target = [...withStats].filter((c) => c > id(CUSTOMERS - 100)).pop()!
  const snapshot = await customer(target)
  await pay(target)
  const paid = await customer(target)
  expect(paid.paidOrders).toBe(snapshot.paidOrders + 1)
  const model = (await t.db.collection('settings').doc('valueModel').get()).data[0].model
  const db = cloudApp().database()
  expect(await writeScoreIfUnchanged(db, snapshot, model, today, jobId)).toBe(false)
  expect(await customer(target)).toEqual(paid)
  // with fresh statistics the same write goes through
  expect(await writeScoreIfUnchanged(db, paid, model, today, jobId)).toBe(true)
  expect((await customer(target)).score).toEqual(JSON.parse(JSON.stringify(scoreCustomer(paid.stats, model, today))))
})

test('the timer continues the job; concurrent ticks run it once; a run that died is resumed after its lease', async () => {
  const before = await job()
  await Promise.all([refitTick(t), refitTick(t), refitTick(t), refitTick(t)])
  const after = await job()
  expect(after.runs).toBe(before.runs + 1) // one tick held the lease, the others found it taken
  expect(after.cursor).toBe(id(before.cursor ? Number(before.cursor.slice(2)) + 2 * BATCH : 2 * BATCH - 1))

  // a payment between batches, ahead of the cursor: its own score stands until the job reaches it
  const ahead = [...withStats].filter((c) => c > id(CUSTOMERS - 300) && c < id(CUSTOMERS - 100))[0]
  await pay(ahead)

  // a run dies mid-batch: its lease stays, its last batch was written but the cursor not saved
  const crashedCursor = after.cursor
  await t.db.collection('settings').doc('valueRefit').update({ leaseId: 'dead-run', leaseUntil: new Date(Date.now() + 60_000), cursor: before.cursor })
  await refitTick(t)
  expect(await job()).toMatchObject({ leaseId: 'dead-run', cursor: before.cursor, runs: after.runs })
  t.cloud.clock.advance(100_000) // past the dead run's lease, and the model's 60 s cache window
  await refitTick(t)
  const resumed = await job()
  expect(resumed.runs).toBe(after.runs + 1)
  expect(resumed.leaseId).toBeNull()
  expect(resumed.cursor).toBe(crashedCursor) // the lost batch again, then the next
})

test('ticks carry the job through rescore, recent payments and referral value to done', async () => {
  const phases = new Set<string>()
  for (let guard = 0; guard < 60 && (await job()).phase !== 'done'; guard++) {
    await refitTick(t)
    phases.add((await job()).phase)
  }
  const done = await job()
  expect(done).toMatchObject({ jobId, phase: 'done', leaseId: null })
  expect(phases).toContain('recent')
  expect(done.rescored).toBeGreaterThanOrEqual(withStats.size - done.skipped)
  expect(done.referrers).toBe(REFERRERS)
  expect(expectOk(await owner()<any>('refit.status')).job).toMatchObject({ jobId, phase: 'done', referrers: REFERRERS })
})

test('every customer holds the new model’s score of their current statistics, and every referrer their CRV', async () => {
  const model = (await t.db.collection('settings').doc('valueModel').get()).data[0].model
  const docs = await allCustomers()
  expect(docs).toHaveLength(CUSTOMERS)
  for (const doc of docs) {
    if (!withStats.has(doc._id)) {
      expect(doc.score).toBeUndefined()
      continue
    }
    const day = doc.stats.lastPurchaseDay > today ? doc.stats.lastPurchaseDay : today
    expect({ id: doc._id, score: doc.score, version: doc.scoreModelVersion }).toEqual({ id: doc._id, score: JSON.parse(JSON.stringify(scoreCustomer(doc.stats, model, day))), version: jobId })
  }
  const byCode = new Map<string, any[]>()
  for (const doc of docs) if (doc.bindingSource) byCode.set(doc.bindingSource.code, [...(byCode.get(doc.bindingSource.code) ?? []), doc])
  for (let r = 0; r < REFERRERS; r++) {
    const referred = (byCode.get(code(r)) ?? []).map((d) => ({
      customerId: d._id,
      boundDay: storeDayOf(d.boundAt),
      ...(d.stats ? { firstPurchaseDay: d.stats.firstPurchaseDay } : {}),
      clvFen: d.score?.clvFen ?? null,
      spendFen: d.spendFen ?? 0,
    }))
    const expected = referralValueOfReferrer(id(r), referred, 0.3)
    expect(docs[r].referralValue).toMatchObject({ crvFen: expected.crvFen, referrals: expected.referrals, modelVersion: jobId })
    expect(expected.referrals).toBeGreaterThan(0)
  }
  const top = expectOk(await t.invoke('customers', { action: 'list', data: { sort: 'clv', pageSize: 50 } }, { openid: OWNER }) as any) as any
  expect(top.customers.length).toBe(50)
  const referrer = expectOk(await t.invoke('customers', { action: 'detail', data: { customerId: id(0) } }, { openid: OWNER }) as any) as any
  expect(referrer.customer.referralValueFen).toBe(docs[0].referralValue.crvFen)
})

test('the nightly start: at once without a model, else once per store day from 03:00 store time', () => {
  const at = (iso: string) => new Date(iso)
  expect(nightlyRefitDue(at('2026-11-27T10:00:00Z'), null, false)).toBe(true)
  expect(nightlyRefitDue(at('2026-11-27T18:59:00Z'), '2026-11-27', true)).toBe(false) // 02:59 on the 28th, store time
  expect(nightlyRefitDue(at('2026-11-27T19:00:00Z'), '2026-11-27', true)).toBe(true) // 03:00 on the 28th
  expect(nightlyRefitDue(at('2026-11-27T19:00:00Z'), '2026-11-28', true)).toBe(false) // already ran that day
  expect(nightlyRefitDue(at('2026-11-28T15:59:00Z'), null, true)).toBe(true)
})
