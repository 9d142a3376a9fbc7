/**
 * The committed demo history (database/seed/) is what scripts/demo-history.ts generates, and it
 * is consistent: customers' statistics, counts and spend recompute from their paid orders, their
 * scores from the store's model on the last day, sellers' counters from the orders credited to
 * them, and every binding from a recorded share open of a code in the short-key table.
 */
import fs from 'node:fs'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { DEFAULT_SHIPPING_RULE, shippingFee } from '../../domain/order'
import { buildValueModel, referralValueOfReferrer, scoreCustomer, statsFromPurchases, storeDayOf } from '../../domain/value'
import { DEMO_LAST_DAY, DEMO_PRODUCTS, DEMO_SKUS, generate } from '../../scripts/demo-history'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { customersAs } from './helpers'

const SEED = path.resolve(__dirname, '../../database/seed')
const read = (name: string): any[] => JSON.parse(fs.readFileSync(path.join(SEED, `${name}.json`), 'utf8'))
const instant = (v: { $date: string }) => Date.parse(v.$date)

const customers = read('customers')
const orders = read('orders')
const sellers = read('sellers')
const shareCodes = read('shareCodes')
const shareOpens = read('shareOpens')
const shareEvents = read('shareEvents')
const byId = <T extends { _id: string }>(docs: T[]) => new Map(docs.map((d) => [d._id, d]))

test('the committed seed is exactly what the generator writes (deterministic, up to date)', () => {
  const { collections } = generate(DEMO_LAST_DAY)
  expect(JSON.parse(JSON.stringify(collections))).toEqual({ customers, sellers, shareCodes, orders, shareOpens, shareEvents })
})

test('the README demo identities are kept', () => {
  const ids = new Set(customers.map((c) => c._id))
  for (const id of ['o-demo-seller-lin', 'o-demo-seller-zhou', 'o-demo-customer-mei', 'o-demo-customer-hao', 'o-demo-customer-yun', 'o-demo-customer-qing', 'o-demo-customer-tian']) expect(ids.has(id)).toBe(true)
  expect(sellers.map((s) => [s._id, s.openid, s.shortCode, s.status])).toEqual([
    ['s_Lin8shop', 'o-demo-seller-lin', 'Lin8shop', 'active'],
    ['s_Zhou5tea', 'o-demo-seller-zhou', 'Zhou5tea', 'active'],
    ['s_Wang3new', 'o-demo-applicant-wang', 'Wang3new', 'pending'],
  ])
  const c = byId(customers)
  expect(c.get('o-demo-customer-hao').bindingSource).toEqual({ code: 'Mei4fwd0', scene: 1008, groupId: 'G-demo-tea-lovers' })
  expect(c.get('o-demo-customer-hao').sellerId).toBe('s_Lin8shop')
  expect(c.get('o-demo-customer-tian').sellerId).toBeUndefined()
})

test('orders have the shape the orders code writes, priced from the demo catalogue\'s SKUs', () => {
  const products = byId(DEMO_PRODUCTS)
  const skus = byId(DEMO_SKUS)
  const keys = ['_id', '_openid', 'status', 'lines', 'itemsFen', 'shippingFen', 'totalFen', 'sellerId', 'address', 'clientRequestId', 'createdAt', 'expiresAt', 'paidAt', 'cancelledAt', 'transactionId', 'stockHeld', 'holdId'].sort()
  expect(orders.length).toBeGreaterThan(100)
  for (const o of orders) {
    expect(Object.keys(o).sort()).toEqual(keys)
    // a shopper ships every order to one address, complete as checkout sends it
    expect(o.address).toEqual(orders.find((other: any) => other._openid === o._openid).address)
    expect(o.address).toMatchObject({ name: expect.stringMatching(/^\S{2}$/), phone: expect.stringMatching(/^13\d{9}$/), province: expect.any(String), city: expect.any(String), district: expect.any(String), detail: expect.stringMatching(/号/), postalCode: expect.stringMatching(/^\d{6}$/) })
    expect(o._id).toBe('o' + createHash('sha256').update(`${o._openid}\n${o.clientRequestId}`).digest('hex').slice(0, 31))
    expect(o.status).toBe('paid')
    expect(o.stockHeld).toBe(false)
    for (const line of o.lines) {
      const sku = skus.get(line.skuId)!
      const p = products.get(sku.productId)!
      expect(['p-pu-erh', 'p-jujube', 'p-soap', 'p-walnut', 'p-longjing']).toContain(line.skuId)
      expect(line).toEqual({ productId: p._id, skuId: sku._id, name: p.name, spec: sku.spec, priceFen: sku.priceFen, quantity: line.quantity, amountFen: sku.priceFen * line.quantity, image: p.images?.[0] })
    }
    expect(o.itemsFen).toBe(o.lines.reduce((s: number, l: any) => s + l.amountFen, 0))
    expect(o.shippingFen).toBe(shippingFee(o.itemsFen, DEFAULT_SHIPPING_RULE))
    expect(o.totalFen).toBe(o.itemsFen + o.shippingFen)
    expect(instant(o.paidAt)).toBeGreaterThan(instant(o.createdAt))
    expect(instant(o.paidAt)).toBeLessThan(instant(o.expiresAt))
    expect(storeDayOf(instant(o.paidAt)) <= DEMO_LAST_DAY).toBe(true)
  }
})

test('customers’ statistics, orders, spend and scores recompute from the seed orders', () => {
  const ordersOf = new Map<string, any[]>()
  for (const o of orders) ordersOf.set(o._openid, [...(ordersOf.get(o._openid) ?? []), o])
  const stats = new Map<string, any>()
  for (const [openid, list] of ordersOf) stats.set(openid, statsFromPurchases(openid, list.map((o) => ({ day: storeDayOf(instant(o.paidAt)), amountFen: o.totalFen }))))
  const model = buildValueModel([...stats.values()], DEMO_LAST_DAY, { scoring: { margin: 0.3, annualDiscount: 0.15 } })
  expect(model.source).not.toBe('rfm')
  for (const c of customers) {
    const list = ordersOf.get(c._id) ?? []
    if (list.length === 0) {
      expect(c.stats ?? null).toBeNull()
      continue
    }
    expect(c.stats).toEqual(stats.get(c._id))
    expect(c.paidOrders).toBe(list.length)
    expect(c.spendFen).toBe(list.reduce((s, o) => s + o.totalFen, 0))
    expect(instant(c.lastPaidAt)).toBe(Math.max(...list.map((o) => instant(o.paidAt))))
    expect(c.score).toEqual(JSON.parse(JSON.stringify(scoreCustomer(c.stats, model, DEMO_LAST_DAY))))
  }
  for (const openid of ordersOf.keys()) expect(customers.some((c) => c._id === openid)).toBe(true)
  const segments = new Set(customers.filter((c) => c.score).map((c) => c.score.segment))
  expect(segments.size).toBeGreaterThanOrEqual(4)
})

test('every order credited to a seller names a seller of the demo (the attribution is the order: sellers carry no counters of it)', () => {
  for (const s of sellers) expect(s).not.toHaveProperty('attributedOrders')
  expect(orders.some((o) => o.sellerId !== null)).toBe(true)
  expect(orders.every((o) => o.sellerId === null || sellers.some((s) => s._id === o.sellerId))).toBe(true)
})

test('bindings, orders’ sellers and referral values agree with the share codes and opens', () => {
  const codes = byId(shareCodes)
  const sellerByOpenid = new Map(sellers.map((s) => [s.openid, s]))
  const customer = byId(customers)
  for (const c of customers.filter((x) => x.bindingSource)) {
    const code = codes.get(c.bindingSource.code)
    expect(code).toBeDefined()
    // one level: the code's owner when an active seller, else the owner's own seller
    const ownerSeller = sellerByOpenid.get(code.openid)
    expect(c.sellerId).toBe(ownerSeller?.status === 'active' ? ownerSeller._id : customer.get(code.openid)?.sellerId)
    const opens = shareOpens.filter((o) => o.openid === c._id && o.bound)
    expect(opens).toHaveLength(1)
    expect(opens[0]).toMatchObject({ code: c.bindingSource.code, sharerOpenid: code.openid, sceneValue: c.bindingSource.scene, creditedSellerId: c.sellerId })
    expect(opens[0].openedAt).toEqual(c.boundAt)
    expect(opens[0].groupId).toBe(c.bindingSource.groupId)
    expect(opens[0]._id.startsWith(`${c._id}:`)).toBe(true)
  }
  for (const o of orders) {
    const buyer = customer.get(o._openid)
    const boundBefore = buyer.boundAt && instant(buyer.boundAt) < instant(o.createdAt)
    expect(o.sellerId).toBe(boundBefore ? buyer.sellerId : null)
  }
  for (const open of shareOpens) {
    expect(codes.get(open.code)?.openid).toBe(open.sharerOpenid)
    if (!open.bound) expect(['anonymous', 'alreadyBound']).toContain(open.reason)
  }
  for (const code of shareCodes) {
    const owner = customer.get(code.openid)
    if (!owner) continue
    const referred = customers
      .filter((c) => c.bindingSource?.code === code._id)
      .map((c) => ({ customerId: c._id, boundDay: storeDayOf(instant(c.boundAt)), ...(c.stats ? { firstPurchaseDay: c.stats.firstPurchaseDay } : {}), clvFen: c.score?.clvFen ?? null, spendFen: c.spendFen ?? 0 }))
    expect(owner.referralValue.crvFen).toBe(referralValueOfReferrer(code.openid, referred, 0.3).crvFen)
    expect(owner.referralValue.referrals).toBe(referred.length)
  }
})

describe('on a local cloud seeded with the demo data', () => {
  let t: TestCloud
  beforeAll(async () => {
    process.env.OWNER_OPENIDS = 'o-demo-owner'
    t = await startTestCloud({ seed: true })
  }, 60_000)
  afterAll(() => t?.stop())

  test('Lin’s My customers shows varied stored scores and referral value on first start', async () => {
    const res = await customersAs(t, 'o-demo-seller-lin')<any>('list', { sort: 'clv', pageSize: 50 })
    if (!res.ok) throw new Error(res.code)
    const rows = res.data.customers
    expect(rows.length).toBe(customers.filter((c) => c.sellerId === 's_Lin8shop').length)
    expect(new Set(rows.map((r: any) => r.segment)).size).toBeGreaterThanOrEqual(3)
    expect(rows.filter((r: any) => typeof r.clvFen === 'number').length).toBeGreaterThan(10)
    expect(rows.find((r: any) => r.customerId === 'o-demo-customer-mei').referralValueFen).toBeGreaterThan(0)
  })

  test('Lin’s shares funnel over the last 30 demo days has shares, opens and paid orders', async () => {
    const res: any = await t.invoke('referral', { action: 'funnel', data: { from: '2026-10-29', to: DEMO_LAST_DAY } }, { openid: 'o-demo-seller-lin' })
    if (!res.ok) throw new Error(JSON.stringify(res))
    const total = res.data.funnel.total
    expect(total.shares).toBeGreaterThan(0)
    expect(total.opens).toBeGreaterThan(0)
    expect(total.paidOrders).toBe(orders.filter((o) => o.sellerId === 's_Lin8shop' && storeDayOf(instant(o.paidAt)) >= '2026-10-29').length)
  })
})
