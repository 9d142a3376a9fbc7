import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { confirmPayment, ordersAs, requestId, storedOrder } from './helpers'

/**
 * The purchase path's database round trips, as the local cloud counts them (each one costs money
 * and milliseconds on CloudBase; `npm run bench:shop` reports the same count under load). The
 * count is deterministic for one purchase without contention: create reads the store's settings
 * and the buyer's binding, reserves each line with one updateAndReturn that also answers the SKU
 * (price and the product's name, cover and on-sale flag are on it), and writes the order; the paid
 * notification runs one transaction (start, order read and write, customer read and write, the
 * commission entry for a bound buyer, commit) and moves the held units to sold.
 */

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud({ seed: true })
})
afterAll(() => t.stop())

interface Counters {
  total: number
  byFunction: Record<string, number>
  byAction: Record<string, number>
}

async function counters(): Promise<Counters> {
  return (await (await fetch(`${t.url}/_local/counters`)).json()) as Counters
}

/** One purchase through the client endpoint as the mini program makes it: create (which starts the payment), then wx.requestPayment. */
async function purchase(openid: string): Promise<{ create: Counters; paid: Counters; orderId: string }> {
  await fetch(`${t.url}/_local/counters/reset`, { method: 'POST' })
  const created: any = await ordersAs(t, openid)('create', { requestId: requestId(), lines: [{ skuId: 'p-walnut', quantity: 1 }] })
  expect(created).toMatchObject({ ok: true, data: { payment: expect.any(Object) } })
  const create = await counters()
  await fetch(`${t.url}/_local/counters/reset`, { method: 'POST' })
  expect(await confirmPayment(t, created.data.order._id)).toMatchObject({ delivered: true })
  const paid = await counters()
  return { create, paid, orderId: created.data.order._id }
}

test('a purchase by a buyer bound to a seller costs 12 database round trips: 4 to create, 8 to settle the payment', async () => {
  await t.db.collection('customers').doc('o-rt-bound').set({ sellerId: 's_Lin8shop', boundAt: new Date() })
  await purchase('o-rt-bound') // the workers start and load their bundles
  const { create, paid, orderId } = await purchase('o-rt-bound')
  expect(await storedOrder(t, orderId)).toMatchObject({ status: 'paid', sellerId: 's_Lin8shop', stockHeld: false })
  expect(create.byFunction).toEqual({ orders: 4 })
  expect(create.byAction).toEqual({ 'database.getDocument': 2, 'database.modifyAndReturnDoc': 1, 'database.insertDocument': 1 })
  expect(paid.byFunction).toEqual({ payCallback: 8 })
  // no write of the seller document: the commission entry is the only record added for the seller
  expect(paid.byAction).toEqual({ 'database.startTransaction': 1, 'database.getDocument': 2, 'database.modifyDocument': 3, 'database.insertDocument': 1, 'database.commitTransaction': 1 })
})

test('a purchase by a buyer bound to nobody costs 11', async () => {
  await purchase('o-rt-free')
  const { create, paid } = await purchase('o-rt-free')
  expect(create.byFunction).toEqual({ orders: 4 })
  expect(paid.byFunction).toEqual({ payCallback: 7 })
})
