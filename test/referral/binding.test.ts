import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { entryOf, paidOrder } from '../commissions/helpers'
import { as, configureOwner, DAY, doc, expectOk, groupCard, LIN, makeSeller, openKey, openShare, setRule, ZHOU } from './helpers'

let t: TestCloud
beforeAll(async () => {
  configureOwner()
  t = await startTestCloud({ seed: true })
})
afterAll(() => t.stop())
beforeEach(() => setRule(t, { mode: 'firstTouchWindow', windowDays: 30, sharePolicy: 'sellersOnly' }))

let n = 0
const newShopper = () => `o-shopper-${++n}-${Date.now().toString(36)}`

describe('binding a customer who opens a share', () => {
  test("a new shopper opening a seller's card is bound to that seller, with the code and scene", async () => {
    const shopper = newShopper()
    const opened = expectOk(await openShare(t, shopper, LIN.code, 1007))
    expect(opened).toMatchObject({ bound: true, sellerId: LIN.sellerId, channel: 'chat' })
    expect(await doc(t, 'customers', shopper)).toMatchObject({ sellerId: LIN.sellerId, bindingSource: { code: LIN.code, scene: 1007 } })
    const mine = expectOk(await as(t, 'referral', shopper)('myBinding'))
    expect(mine.binding).toMatchObject({ sellerId: LIN.sellerId, sellerName: '林姐的茶铺', source: { code: LIN.code, scene: 1007 } })
  })

  test('a retried open (same open key) records one open and answers the same', async () => {
    const shopper = newShopper()
    const event = { action: 'recordOpen', data: { openKey: openKey(), sceneValue: 1008, ref: ZHOU.code } }
    const answers = await Promise.all(Array.from({ length: 8 }, () => t.invoke('referral', event, { openid: shopper })))
    const again = await t.invoke('referral', event, { openid: shopper })
    for (const a of [...answers, again]) expect(a).toMatchObject({ ok: true, data: { openId: (answers[0] as any).data.openId, channel: 'group', sellerId: ZHOU.sellerId } })
    const { total } = await t.db.collection('shareOpens').where({ openid: shopper }).count()
    expect(total).toBe(1)
    expect(await doc(t, 'customers', shopper)).toMatchObject({ sellerId: ZHOU.sellerId })
  })

  test('first touch with a 30-day window: another seller is refused inside the window and wins after it', async () => {
    const shopper = newShopper()
    expectOk(await openShare(t, shopper, LIN.code))
    t.cloud.clock.advance(29 * DAY)
    expect(expectOk(await openShare(t, shopper, ZHOU.code))).toMatchObject({ bound: false, reason: 'keptExisting', sellerId: LIN.sellerId })
    t.cloud.clock.advance(2 * DAY)
    expect(expectOk(await openShare(t, shopper, ZHOU.code))).toMatchObject({ bound: true, sellerId: ZHOU.sellerId })
  })

  describe('after the window lapsed', () => {
    test('without a new touch the customer stays bound and the next purchase credits the seller', async () => {
      const shopper = newShopper()
      expectOk(await openShare(t, shopper, LIN.code))
      t.cloud.clock.advance(45 * DAY)
      const order = await paidOrder(t, shopper, [{ skuId: 'p-walnut', quantity: 1 }])
      expect(order).toMatchObject({ status: 'paid', sellerId: LIN.sellerId })
      expect(await entryOf(t, order._id)).toMatchObject({ sellerId: LIN.sellerId, status: 'pending', amountFen: 459 })
      expect(expectOk(await as(t, 'referral', shopper)('myBinding')).binding).toMatchObject({ sellerId: LIN.sellerId })
    })

    test('the bound seller’s card opened again renews the window (not a new binding): another seller is refused for another 30 days', async () => {
      const shopper = newShopper()
      expectOk(await openShare(t, shopper, LIN.code))
      const boundAt = (await doc(t, 'customers', shopper)).boundAt
      t.cloud.clock.advance(40 * DAY)
      const touchedAt = t.cloud.clock.now()
      expect(expectOk(await openShare(t, shopper, LIN.code))).toMatchObject({ bound: false, reason: 'alreadyBound', sellerId: LIN.sellerId })
      const renewed = await doc(t, 'customers', shopper)
      expect(renewed).toMatchObject({ sellerId: LIN.sellerId, boundAt })
      expect(new Date(renewed.windowFrom).getTime()).toBeGreaterThanOrEqual(touchedAt)
      expect(new Date(renewed.windowFrom).getTime()).toBeLessThanOrEqual(t.cloud.clock.now())
      // a renewal is no new customer for the funnel: the open is recorded unbound
      expect((await t.db.collection('shareOpens').where({ openid: shopper, bound: true }).count()).total).toBe(1)
      t.cloud.clock.advance(29 * DAY)
      expect(expectOk(await openShare(t, shopper, ZHOU.code))).toMatchObject({ bound: false, reason: 'keptExisting', sellerId: LIN.sellerId })
      t.cloud.clock.advance(2 * DAY)
      expect(expectOk(await openShare(t, shopper, ZHOU.code))).toMatchObject({ bound: true, sellerId: ZHOU.sellerId })
      // a new binding: the new seller's window starts with it
      const rebound = await doc(t, 'customers', shopper)
      expect(new Date(rebound.windowFrom).getTime()).toBe(new Date(rebound.boundAt).getTime())
      expect(new Date(rebound.boundAt).getTime()).toBeGreaterThan(touchedAt + 30 * DAY)
    })

    test('inside the window the seller’s own touches do not extend it', async () => {
      const shopper = newShopper()
      expectOk(await openShare(t, shopper, LIN.code))
      t.cloud.clock.advance(20 * DAY)
      expectOk(await openShare(t, shopper, LIN.code))
      t.cloud.clock.advance(11 * DAY)
      expect(expectOk(await openShare(t, shopper, ZHOU.code))).toMatchObject({ bound: true, sellerId: ZHOU.sellerId })
    })
  })

  test('a 7-day window set by the owner rebinds on day 8', async () => {
    await setRule(t, { windowDays: 7 })
    const shopper = newShopper()
    expectOk(await openShare(t, shopper, LIN.code))
    t.cloud.clock.advance(8 * DAY)
    expect(expectOk(await openShare(t, shopper, ZHOU.code))).toMatchObject({ bound: true, sellerId: ZHOU.sellerId })
  })

  test('permanent first touch keeps the first seller after a year', async () => {
    await setRule(t, { mode: 'permanentFirstTouch' })
    const shopper = newShopper()
    expectOk(await openShare(t, shopper, LIN.code))
    t.cloud.clock.advance(365 * DAY)
    expect(expectOk(await openShare(t, shopper, ZHOU.code))).toMatchObject({ bound: false, reason: 'keptExisting' })
    expect(await doc(t, 'customers', shopper)).toMatchObject({ sellerId: LIN.sellerId })
  })

  test('last touch moves the customer to the newest seller at once', async () => {
    await setRule(t, { mode: 'lastTouch' })
    const shopper = newShopper()
    expectOk(await openShare(t, shopper, LIN.code))
    expect(expectOk(await openShare(t, shopper, ZHOU.code))).toMatchObject({ bound: true, sellerId: ZHOU.sellerId })
    expect(await doc(t, 'customers', shopper)).toMatchObject({ sellerId: ZHOU.sellerId, bindingSource: { code: ZHOU.code } })
  })

  test('binding merges into the customer document: profile and order statistics stay', async () => {
    const shopper = newShopper()
    await t.db.collection('customers').add({ _id: shopper, nickname: '老客', stats: { orders: 3, spendFen: 9900 }, createdAt: new Date() })
    expectOk(await openShare(t, shopper, LIN.code))
    expect(await doc(t, 'customers', shopper)).toMatchObject({ nickname: '老客', stats: { orders: 3, spendFen: 9900 }, sellerId: LIN.sellerId })
  })
})

describe('refusals', () => {
  test('a seller opening their own card is not bound to themselves', async () => {
    await setRule(t, { mode: 'lastTouch' })
    expect(expectOk(await openShare(t, LIN.openid, LIN.code))).toMatchObject({ bound: false, reason: 'selfReferral' })
    expect((await doc(t, 'customers', LIN.openid)).sellerId).toBeUndefined()
  })

  test('A bound to B: B opening A\'s card is refused as a loop, even under last touch', async () => {
    await setRule(t, { mode: 'lastTouch' })
    const a = await makeSeller(t, newShopper(), 'A')
    const b = await makeSeller(t, newShopper(), 'B')
    expect(expectOk(await openShare(t, a.openid, b.code))).toMatchObject({ bound: true, sellerId: b.sellerId })
    expect(expectOk(await openShare(t, b.openid, a.code))).toMatchObject({ bound: false, reason: 'loop' })
    expect((await doc(t, 'customers', b.openid))?.sellerId).toBeUndefined()
  })
})

describe('one level only', () => {
  test("a customer forwarding a seller's card keeps the sale with that seller", async () => {
    const carol = newShopper()
    const dave = newShopper()
    expectOk(await openShare(t, carol, LIN.code))
    const card = expectOk(await as(t, 'referral', carol)('shareCard', { productId: 'p-longjing' }))
    expect(card.path).toBe(`/pages/product/detail/index?id=p-longjing&ref=${card.shortCode}`)
    expect(card.shortCode).not.toBe(LIN.code)
    const opened = expectOk(await openShare(t, dave, card.shortCode, 1008))
    expect(opened).toMatchObject({ bound: true, sellerId: LIN.sellerId })
    const record = await doc(t, 'shareOpens', opened.openId)
    expect(record).toMatchObject({ sharerOpenid: carol, creditedSellerId: LIN.sellerId, channel: 'group' })
  })

  test("a seller's customer who becomes a seller is credited themselves, never their seller too", async () => {
    const erin = newShopper()
    expectOk(await openShare(t, erin, ZHOU.code))
    const erinSeller = await makeSeller(t, erin, 'Erin')
    const frank = newShopper()
    expect(expectOk(await openShare(t, frank, erinSeller.code))).toMatchObject({ bound: true, sellerId: erinSeller.sellerId })
  })

  test('an unbound customer sharing under "sellers only" credits nobody', async () => {
    const gina = newShopper()
    const card = expectOk(await as(t, 'referral', gina)('shareCard', {}))
    expect(card.path).toBe(`/pages/home/index?ref=${card.shortCode}`)
    expect(expectOk(await openShare(t, newShopper(), card.shortCode))).toMatchObject({ bound: false, reason: 'noCreditableSeller' })
  })

  test('under "everyone may share" the sharer is credited and enrolled as an active seller', async () => {
    await setRule(t, { sharePolicy: 'everyone' })
    const hana = newShopper()
    expectOk(await openShare(t, hana, LIN.code))
    const card = expectOk(await as(t, 'referral', hana)('shareCard', {}))
    const ivan = newShopper()
    const opened = expectOk(await openShare(t, ivan, card.shortCode))
    expect(opened).toMatchObject({ bound: true, sellerId: `s_${card.shortCode}` })
    expect(await doc(t, 'sellers', `s_${card.shortCode}`)).toMatchObject({ openid: hana, status: 'active', enrolledBy: 'everyoneMayShare' })
  })
})

describe('where the open came from', () => {
  test('Moments single-page mode (no openid) records the open and binds nobody', async () => {
    const opened = expectOk(await openShare(t, undefined, LIN.code, 1154))
    expect(opened).toMatchObject({ bound: false, reason: 'anonymous', channel: 'moments' })
    const record = await doc(t, 'shareOpens', opened.openId)
    expect(record).toMatchObject({ code: LIN.code, channel: 'moments', bound: false, creditedSellerId: LIN.sellerId })
    expect(record.openid).toBeUndefined()
  })

  test("a scanned poster code's scene names the sharer and the product", async () => {
    const shopper = newShopper()
    const opened = expectOk(await as(t, 'referral', shopper)('recordOpen', { openKey: openKey(), sceneValue: 1047, scene: `${ZHOU.code}~p-walnut` }))
    expect(opened).toMatchObject({ bound: true, sellerId: ZHOU.sellerId, channel: 'code' })
    expect(await doc(t, 'shareOpens', opened.openId)).toMatchObject({ productId: 'p-walnut', code: ZHOU.code })
  })

  test('a group card records the group id the platform resolves from its cloudID', async () => {
    const shopper = newShopper()
    const opened = expectOk(await openShare(t, shopper, LIN.code, 1044, await groupCard(t, 'G-tea-lovers')))
    expect(await doc(t, 'shareOpens', opened.openId)).toMatchObject({ groupId: 'G-tea-lovers', channel: 'group' })
    expect(await doc(t, 'customers', shopper)).toMatchObject({ bindingSource: { code: LIN.code, scene: 1044, groupId: 'G-tea-lovers' } })
  })

  test('a cloudID the platform does not vouch for (forged or expired) records the open without a group', async () => {
    const { groupCloudId: cloudID } = await groupCard(t, 'G-old')
    t.cloud.clock.advance(5 * 60_000 + 1)
    for (const groupCloudId of ['forged_G-admins', cloudID]) {
      const shopper = newShopper()
      const opened = expectOk(await openShare(t, shopper, LIN.code, 1044, { groupCloudId }))
      expect(opened).toMatchObject({ bound: true, channel: 'group' })
      const record = await doc(t, 'shareOpens', opened.openId)
      expect(record.groupId).toBeUndefined()
      expect((await doc(t, 'customers', shopper)).bindingSource.groupId).toBeUndefined()
    }
  })

  test('an unknown code writes nothing and binds nobody', async () => {
    const shopper = newShopper()
    expect(expectOk(await openShare(t, shopper, 'Nobody00'))).toMatchObject({ bound: false, reason: 'unknownCode' })
    expect(await doc(t, 'customers', shopper)).toBeUndefined()
  })
})

describe('concurrent opens', () => {
  test('ten sellers\' cards opened at once by one new shopper under permanent first touch: exactly one binding wins and stays', async () => {
    await setRule(t, { mode: 'permanentFirstTouch' })
    const sellers = await Promise.all(Array.from({ length: 10 }, (_, i) => makeSeller(t, newShopper(), `S${i}`)))
    const shopper = newShopper()
    const answers = await Promise.all(sellers.map((s) => openShare(t, shopper, s.code)))
    const data = answers.map(expectOk)
    const winners = data.filter((d) => d.bound)
    expect(winners).toHaveLength(1)
    expect(data.filter((d) => !d.bound).every((d) => d.reason === 'keptExisting')).toBe(true)
    expect(await doc(t, 'customers', shopper)).toMatchObject({ sellerId: winners[0].sellerId })
    const { total } = await t.db.collection('shareOpens').where({ openid: shopper }).count()
    expect(total).toBe(10)
  })
})
