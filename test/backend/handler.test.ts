import { startTestCloud, type TestCloud } from '../helpers/local-cloud'

/** The handler wrapper every function shares, driven through a real function (catalog) in the local cloud. */

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud({ seed: true })
})
afterAll(() => t.stop())

describe('function boundary', () => {
  test.each([
    ['not an object', 'just a string'],
    ['no action', { data: {} }],
    ['action of the wrong type', { action: 42 }],
    ['unknown action', { action: 'dropProducts', data: {} }],
    ['inherited property as action', { action: 'constructor', data: {} }],
    ['unexpected request fields', { action: 'listProducts', data: { priceFen: 1 } }],
    ['request of the wrong type', { action: 'listProducts', data: [1, 2] }],
  ])('%s: INVALID_INPUT, never INTERNAL', async (_name, event) => {
    const res = (await t.invoke('catalog', event, { openid: 'o-shopper' })) as { ok: boolean; code?: string }
    expect(res).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })

  test('a valid call answers the ok envelope, with or without an identity', async () => {
    for (const caller of [{ openid: 'o-shopper' }, {}]) {
      const res = (await t.invoke('catalog', { action: 'listProducts', data: {} }, caller)) as { ok: boolean; data: { products: unknown[] } }
      expect(res.ok).toBe(true)
      expect(res.data.products.length).toBeGreaterThan(0)
    }
  })
})
