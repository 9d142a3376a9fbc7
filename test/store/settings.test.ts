/**
 * The owner's settings in one place: `store.settings.get/update` read and change `settings/store`
 * and the binding rule field by field; the referral function's own settings actions are the
 * same implementation; checkout prices with what the owner set.
 */
import { DEFAULT_STORE_SETTINGS } from '../../backend/settings'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { addProduct } from '../orders/helpers'
import { expectOk, OWNER, storeAs } from './helpers'

let t: TestCloud
beforeAll(async () => {
  process.env.OWNER_OPENIDS = OWNER
  t = await startTestCloud()
  await addProduct(t, { _id: 'p-tea', name: 'Tea', priceFen: 5000, stock: 10 })
}, 60_000)
afterAll(() => t?.stop())

const owner = () => storeAs(t, OWNER)

test('an owner reads the defaults before anything is set', async () => {
  expect(expectOk(await owner()('settings.get'))).toEqual({
    store: DEFAULT_STORE_SETTINGS,
    referral: { mode: 'firstTouchWindow', windowDays: 30, sharePolicy: 'sellersOnly' },
  })
})

test('a partial update changes only the fields given, and checkout prices with the new shipping rule', async () => {
  const after = expectOk(await owner()<any>('settings.update', { store: { shipping: { flatFeeFen: 800 }, commission: { rateBps: 1500 } } }))
  expect(after.store).toEqual({ ...DEFAULT_STORE_SETTINGS, shipping: { ...DEFAULT_STORE_SETTINGS.shipping, flatFeeFen: 800 }, commission: { ...DEFAULT_STORE_SETTINGS.commission, rateBps: 1500 } })
  const again = expectOk(await owner()<any>('settings.update', { store: { shipping: { freeFromFen: null }, value: { marginBps: 4000 }, autoCompleteDays: 14 } }))
  expect(again.store).toEqual({ shipping: { flatFeeFen: 800, freeFromFen: null }, commission: { rateBps: 1500, coolingOffDays: 7 }, value: { marginBps: 4000, annualDiscountBps: 1500 }, autoCompleteDays: 14 })
  const quote: any = await t.invoke('orders', { action: 'quote', data: { lines: [{ skuId: 'p-tea', quantity: 3 }] } }, { openid: 'o-buyer' })
  expect(quote.data).toMatchObject({ itemsFen: 15000, shippingFen: 800, totalFen: 15800 })
  expect(expectOk(await owner()('settings.get'))).toEqual(again)
})

test('the binding rule is one implementation: changed through store, read through referral, and back', async () => {
  expectOk(await owner()('settings.update', { referral: { mode: 'lastTouch' } }))
  const viaReferral: any = await t.invoke('referral', { action: 'settings.get', data: {} }, { openid: OWNER })
  expect(viaReferral.data.settings).toEqual({ mode: 'lastTouch', windowDays: 30, sharePolicy: 'sellersOnly' })
  await t.invoke('referral', { action: 'settings.update', data: { windowDays: 7 } }, { openid: OWNER })
  expect(expectOk(await owner()<any>('settings.get')).referral).toEqual({ mode: 'lastTouch', windowDays: 7, sharePolicy: 'sellersOnly' })
})

test('concurrent updates of different fields all survive (no lost update)', async () => {
  const changes = [
    { store: { commission: { coolingOffDays: 3 } } },
    { store: { value: { annualDiscountBps: 1000 } } },
    { store: { shipping: { flatFeeFen: 600 } } },
    { store: { autoCompleteDays: 20 } },
    { referral: { sharePolicy: 'everyone' } },
    { referral: { windowDays: 45 } },
  ]
  const results = await Promise.all(changes.map((c) => owner()('settings.update', c)))
  expect(results.every((r) => r.ok)).toBe(true)
  const now = expectOk(await owner()<any>('settings.get'))
  expect(now.store).toMatchObject({ commission: { coolingOffDays: 3 }, value: { annualDiscountBps: 1000 }, shipping: { flatFeeFen: 600 }, autoCompleteDays: 20 })
  expect(now.referral).toMatchObject({ sharePolicy: 'everyone', windowDays: 45 })
})

test('the first write of a fresh store is a create that concurrent writers merge into', async () => {
  await t.db.collection('settings').doc('store').remove()
  const results = await Promise.all([1200, 1300].map((rateBps, i) => owner()('settings.update', i ? { store: { commission: { rateBps } } } : { store: { autoCompleteDays: 9 } })))
  expect(results.every((r) => r.ok)).toBe(true)
  expect(expectOk(await owner()<any>('settings.get')).store).toMatchObject({ commission: { rateBps: 1300 }, autoCompleteDays: 9 })
})

describe('refusals', () => {
  test.each([
    ['a shopper', 'o-shopper'],
    ['a seller', 'o-demo-seller-lin'],
  ])('%s may not read or change settings (FORBIDDEN), and nothing changes', async (_who, openid) => {
    const before = expectOk(await owner()('settings.get'))
    expect(await storeAs(t, openid)('settings.get')).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await storeAs(t, openid)('settings.update', { store: { commission: { rateBps: 9999 } } })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await storeAs(t, openid)('refit.start')).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await storeAs(t, openid)('refit.status')).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(expectOk(await owner()('settings.get'))).toEqual(before)
  })

  test('an identityless call is UNAUTHENTICATED; an openid in the event is INVALID_INPUT and does not make an owner', async () => {
    expect(await storeAs(t)('settings.get')).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
    expect(await storeAs(t, 'o-shopper')('settings.update', { openid: OWNER, store: { autoCompleteDays: 5 } })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await t.invoke('store', { action: 'settings.get', data: {}, openid: OWNER }, { openid: 'o-shopper' })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })

  test.each([
    [{}],
    [{ store: {} , extra: 1 }],
    [{ store: { commission: { rateBps: 10001 } } }],
    [{ store: { commission: { rateBps: 12.5 } } }],
    [{ store: { commission: { rateBps: '1000' } } }],
    [{ store: { shipping: { flatFeeFen: -1 } } }],
    [{ store: { shipping: { unknown: 1 } } }],
    [{ store: { value: { annualDiscountBps: 0 } } }],
    [{ store: { autoCompleteDays: 0 } }],
    [{ store: { autoCompleteDays: null } }],
    [{ store: { shipping: null } }],
    [{ store: { 'commission.rateBps': 5 } }],
    [{ referral: { mode: 'forever' } }],
    [{ referral: { windowDays: 366 } }],
    [{ store: [] }],
  ])('%j is INVALID_INPUT and changes nothing', async (data) => {
    const before = expectOk(await owner()('settings.get'))
    expect(await owner()('settings.update', data)).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(expectOk(await owner()('settings.get'))).toEqual(before)
  })
})
