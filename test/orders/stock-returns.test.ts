/**
 * returnSoldStock, the inverse of a sale that refunds use when goods come back: sold units go
 * back to stock once per return key, however often and however concurrently it runs.
 */
import { returnSoldStock } from '../../backend/orders'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { addProduct, confirmPayment, createAndPay, ordersAs, requestId, sku, units } from './helpers'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud({ seed: true })
})
afterAll(() => t.stop())

/** Buys `quantity` of a SKU and pays, so that many units are sold. */
async function sell(skuId: string, quantity: number, buyer = 'o-returns'): Promise<void> {
  const { order } = await createAndPay(t, buyer, [{ skuId, quantity }])
  expect(await confirmPayment(t, order._id)).toMatchObject({ delivered: true })
}

test('a return moves sold units back to stock once; running it again answers alreadyApplied and changes nothing', async () => {
  await sell('p-soap', 3)
  const before = await sku(t, 'p-soap')
  expect(await returnSoldStock(t.db, 'p-soap', 2, 'refund-a:0')).toBe('applied')
  const after = await sku(t, 'p-soap')
  expect({ stock: after.stock, sold: after.sold, reserved: after.reserved }).toEqual({ stock: before.stock + 2, sold: before.sold - 2, reserved: before.reserved })
  expect(await returnSoldStock(t.db, 'p-soap', 2, 'refund-a:0')).toBe('alreadyApplied')
  expect(await sku(t, 'p-soap')).toMatchObject({ stock: after.stock, sold: after.sold })
  expect(await units(t, 'p-soap')).toBe(60)
})

test('ten concurrent runs of one return apply it once', async () => {
  await addProduct(t, { _id: 'p-ret-par', name: '并发退货', priceFen: 1000, stock: 20 })
  await sell('p-ret-par', 5)
  const outcomes = await Promise.all(Array.from({ length: 10 }, () => returnSoldStock(t.db, 'p-ret-par', 3, 'refund-par:0')))
  expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1)
  expect(outcomes.filter((o) => o === 'alreadyApplied')).toHaveLength(9)
  expect(await sku(t, 'p-ret-par')).toMatchObject({ stock: 18, reserved: 0, sold: 2 })
})

test('different returns each apply, never past what was sold: the one that would make sold negative is refused', async () => {
  await addProduct(t, { _id: 'p-ret-many', name: '多次退货', priceFen: 1000, stock: 10 })
  await sell('p-ret-many', 4)
  const outcomes = await Promise.all([1, 2, 3, 4, 5].map((n) => returnSoldStock(t.db, 'p-ret-many', 1, `refund-many:${n}`)))
  expect(outcomes.filter((o) => o === 'applied')).toHaveLength(4)
  expect(outcomes.filter((o) => o === 'refused')).toHaveLength(1)
  expect(await sku(t, 'p-ret-many')).toMatchObject({ stock: 10, reserved: 0, sold: 0 })
})

test('returns interleaved with buyers reserving and paying on the same SKU keep stock + reserved + sold constant', async () => {
  await addProduct(t, { _id: 'p-ret-mix', name: '边买边退', priceFen: 800, stock: 30 })
  await sell('p-ret-mix', 6)
  const work = [
    ...Array.from({ length: 12 }, (_, i) => ordersAs(t, `o-ret-mix-${i}`)('create', { requestId: requestId(), lines: [{ skuId: 'p-ret-mix', quantity: 1 }] }).then(async (res: any) => (res.ok ? (await confirmPayment(t, res.data.order._id)).delivered : res.code))),
    ...Array.from({ length: 6 }, (_, i) => returnSoldStock(t.db, 'p-ret-mix', 1, `refund-mix:${i % 3}`)),
  ]
  const results = await Promise.all(work)
  expect(results.slice(12).filter((r) => r === 'applied')).toHaveLength(3)
  const after = await sku(t, 'p-ret-mix')
  expect(after.stock + after.reserved + after.sold).toBe(30)
  expect(after).toMatchObject({ reserved: 0, sold: 6 + 12 - 3, stock: 30 - 15 })
  expect(after.stockLog!.filter((e: any) => e.key.startsWith('return:refund-mix:'))).toHaveLength(3)
})

test('an unknown SKU is refused; a quantity that is not a positive whole number throws before touching the database', async () => {
  expect(await returnSoldStock(t.db, 'p-nope', 1, 'refund-nope:0')).toBe('refused')
  expect(() => returnSoldStock(t.db, 'p-soap', 0, 'refund-zero')).toThrow(RangeError)
  expect(() => returnSoldStock(t.db, 'p-soap', 1.5, 'refund-half')).toThrow(RangeError)
})
