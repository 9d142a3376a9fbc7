import fc from 'fast-check'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { as, configureOwner, doc, expectOk, LIN, OWNER, openKey } from './helpers'

let t: TestCloud
beforeAll(async () => {
  configureOwner()
  t = await startTestCloud({ seed: true })
})
afterAll(() => t.stop())

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

describe('sellers', () => {
  test('a shopper applies and waits; the owner lists pending applications and approves one', async () => {
    const applied = expectOk(await as(t, 'referral', 'o-jo')('sellers.apply', { name: '乔乔' }))
    expect(applied.seller).toMatchObject({ openid: 'o-jo', status: 'pending', name: '乔乔' })
    expect(expectOk(await as(t, 'referral', 'o-jo')('sellers.apply', { name: 'other' })).seller).toEqual(applied.seller)
    const pending = expectOk(await as(t, 'referral', OWNER)('sellers.list', { status: 'pending' }))
    expect(pending.sellers.map((s: { sellerId: string }) => s.sellerId)).toEqual(expect.arrayContaining([applied.seller.sellerId, 's_Wang3new']))
    expect(pending.sellers.every((s: { status: string }) => s.status === 'pending')).toBe(true)
    const approved = expectOk(await as(t, 'referral', OWNER)('sellers.approve', { sellerId: applied.seller.sellerId }))
    expect(approved.seller).toMatchObject({ status: 'active', approvedAt: expect.any(String) })
    expect(await doc(t, 'sellers', applied.seller.sellerId)).toMatchObject({ status: 'active', shortCode: applied.seller.shortCode })
  })

  test('approving an unknown seller is NOT_FOUND', async () => {
    expect(await as(t, 'referral', OWNER)('sellers.approve', { sellerId: 's_nobody' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  })

  test('the owner reads and changes the binding rule; the default is first touch, 30 days, sellers only', async () => {
    expect(expectOk(await as(t, 'referral', OWNER)('settings.get')).settings).toEqual({ mode: 'firstTouchWindow', windowDays: 30, sharePolicy: 'sellersOnly' })
    const changed = expectOk(await as(t, 'referral', OWNER)('settings.update', { windowDays: 14 }))
    expect(changed.settings).toEqual({ mode: 'firstTouchWindow', windowDays: 14, sharePolicy: 'sellersOnly' })
    expectOk(await as(t, 'referral', OWNER)('settings.update', { windowDays: 30 }))
  })
})

describe('roles are data checked in the function', () => {
  const ownerActions: Array<[string, unknown]> = [
    ['sellers.approve', { sellerId: 's_Wang3new' }],
    ['sellers.list', {}],
    ['settings.get', {}],
    ['settings.update', { mode: 'lastTouch' }],
  ]
  test.each(ownerActions)('a shopper calling %s is FORBIDDEN, even claiming to be the owner in the event', async (action, data) => {
    expect(await as(t, 'referral', 'o-demo-customer-mei')(action, data)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await as(t, 'referral', LIN.openid)(action, data)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    const forged = await t.invoke('referral', { action, data, openid: OWNER, role: 'owner', userInfo: { openId: OWNER } }, { openid: 'o-demo-customer-mei' })
    expect(forged).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await as(t, 'referral')(action, data)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })

  test('nothing the shoppers tried changed the settings or approved the pending seller', async () => {
    expect((await doc(t, 'settings', 'referral'))?.mode ?? 'firstTouchWindow').toBe('firstTouchWindow')
    expect(await doc(t, 'sellers', 's_Wang3new')).toMatchObject({ status: 'pending' })
  })

  test('an openid or seller in the event does not change who is bound', async () => {
    const forged = await t.invoke(
      'referral',
      { action: 'recordOpen', data: { openKey: openKey(), sceneValue: 1007, ref: LIN.code }, openid: 'o-demo-customer-tian' },
      { openid: 'o-kim' },
    )
    expect(forged).toMatchObject({ ok: true, data: { bound: true } })
    expect(await doc(t, 'customers', 'o-kim')).toMatchObject({ sellerId: LIN.sellerId })
    expect((await doc(t, 'customers', 'o-demo-customer-tian')).sellerId).toBeUndefined()
    expect(await as(t, 'referral', 'o-kim')('recordOpen', { openKey: openKey(), sceneValue: 1007, ref: LIN.code, sellerId: 's_Zhou5tea' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })
})

describe('hostile events', () => {
  const hostile: unknown[] = [
    null,
    'recordOpen',
    [],
    { action: 'recordOpen' },
    { action: 'recordOpen', data: null },
    { action: 'recordOpen', data: { openKey: 'short', sceneValue: 1007, ref: LIN.code } },
    { action: 'recordOpen', data: { openKey: 'abcdefgh', sceneValue: '1007', ref: LIN.code } },
    { action: 'recordOpen', data: { openKey: 'abcdefgh', sceneValue: 1007 } },
    { action: 'recordOpen', data: { openKey: 'abcdefgh', sceneValue: 1007, ref: LIN.code, scene: LIN.code } },
    { action: 'recordOpen', data: { openKey: 'abcdefgh', sceneValue: 1007, ref: { $ne: null } } },
    { action: 'recordOpen', data: { openKey: 'abcdefgh', sceneValue: 1007, ref: '../../etc' } },
    { action: 'recordOpen', data: { openKey: 'abcdefgh', sceneValue: 1047, scene: 'a'.repeat(33) } },
    { action: 'recordOpen', data: { openKey: 'abcdefgh', sceneValue: 1047, scene: 'Lin8shop~p~q' } },
    { action: 'recordOpen', data: { openKey: 'abcdefgh', sceneValue: 1047, scene: '%00%00' } },
    { action: 'recordOpen', data: { openKey: 'abcdefgh', sceneValue: 1044, ref: LIN.code, groupCloudId: { cloudID: 'x', data: { openGId: 'G-forged' } } } },
    { action: 'recordOpen', data: { openKey: 'abcdefgh', sceneValue: 1044, ref: LIN.code, groupCloudId: '../x' } },
    { action: 'recordOpen', data: { openKey: 'abcdefgh', sceneValue: 1e309, ref: LIN.code } },
    { action: 'shareCard', data: { productId: 'p-nope' } },
    { action: 'shareCard', data: { productId: 'x'.repeat(100) } },
    { action: 'posterCode', data: { productId: 'p-nope' } },
    { action: 'posterCode', data: { productId: '../../../x' } },
    { action: 'myBinding', data: { openid: OWNER } },
    { action: 'sellers.apply', data: { name: '' } },
    { action: 'sellers.apply', data: { name: 'x', status: 'active' } },
    { action: 'sellers.approve', data: { sellerId: { $exists: true } } },
    { action: 'settings.update', data: { windowDays: -1 } },
    { action: 'settings.update', data: { mode: 'threeLevels' } },
    { action: '__proto__', data: {} },
    { action: 'constructor', data: {} },
    { action: 'x'.repeat(65) },
  ]
  const ALLOWED = ['INVALID_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND']

  test('every hostile event is answered with a typed code, never INTERNAL, and writes nothing', async () => {
    const count = async (c: string) => (await t.db.collection(c).count()).total
    const before = await Promise.all(['shareOpens', 'sellers', 'shareCodes', 'settings', 'customers'].map(count))
    for (const event of hostile) {
      for (const openid of ['o-mallory', undefined, OWNER]) {
        const answer = (await t.invoke('referral', event, openid ? { openid } : {})) as { ok: boolean; code?: string }
        expect({ event, answer }).toMatchObject({ answer: { ok: false } })
        expect(ALLOWED).toContain(answer.code)
      }
    }
    expect(await Promise.all(['shareOpens', 'sellers', 'shareCodes', 'settings', 'customers'].map(count))).toEqual(before)
  })
})

describe('poster code', () => {
  test('is a real PNG in cloud storage, made once per sharer and product, whose scene reads back', async () => {
    const first = expectOk(await as(t, 'referral', LIN.openid)('posterCode', { productId: 'p-longjing' }))
    expect(first).toMatchObject({ scene: `${LIN.code}~p-longjing`, page: 'pages/home/index', fileID: expect.stringMatching(/^cloud:\/\//) })
    const { fileContent } = await t.app.downloadFile({ fileID: first.fileID })
    const bytes = Buffer.from(fileContent as Buffer)
    expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE)
    expect(bytes.length).toBeGreaterThan(200)
    expect(expectOk(await as(t, 'referral', LIN.openid)('posterCode', { productId: 'p-longjing' })).fileID).toBe(first.fileID)

    const store = expectOk(await as(t, 'referral', LIN.openid)('posterCode', {}))
    expect(store.scene).toBe(LIN.code)
    expect(store.fileID).not.toBe(first.fileID)

    const opened = expectOk(await as(t, 'referral', 'o-scanner')('recordOpen', { openKey: openKey(), sceneValue: 1048, scene: first.scene }))
    expect(opened).toMatchObject({ bound: true, sellerId: LIN.sellerId, channel: 'code' })
  })

  test('needs an identity', async () => {
    expect(await as(t, 'referral')('posterCode', {})).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })
})

describe('fuzzing every action', () => {
  const ACTIONS = ['recordOpen', 'shareCard', 'posterCode', 'myBinding', 'sellers.apply', 'sellers.approve', 'sellers.list', 'settings.get', 'settings.update']
  const PROFILE_ACTIONS = ['get', 'update']
  const ALLOWED = ['INVALID_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND']
  const collections = ['shareOpens', 'sellers', 'shareCodes', 'settings', 'customers']
  const counts = () => Promise.all(collections.map(async (c) => (await t.db.collection(c).count()).total))

  test('random data for every action answers ok or a typed code, never INTERNAL; a refusal writes nothing', async () => {
    // data shaped like the real requests, with hostile values mixed in
    const value = fc.oneof(
      fc.anything({ maxDepth: 2 }),
      fc.constantFrom(LIN.code, 'Lin8shop~p-longjing', 'p-longjing', 's_Wang3new', 1007, 1154, -1, 1e9, '', '__proto__', { $gt: '' }, null),
    )
    const data = fc.oneof(
      fc.anything({ maxDepth: 2 }),
      fc.dictionary(fc.constantFrom('openKey', 'sceneValue', 'ref', 'scene', 'productId', 'group', 'name', 'sellerId', 'status', 'mode', 'windowDays', 'sharePolicy', 'nickname', 'avatarUrl', 'phone', 'openid'), value, { maxKeys: 4 }),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.record({ fn: fc.constant('referral'), action: fc.constantFrom(...ACTIONS) }), fc.record({ fn: fc.constant('profile'), action: fc.constantFrom(...PROFILE_ACTIONS) })),
        data,
        fc.constantFrom('o-fuzz', undefined, OWNER),
        async ({ fn, action }, payload, openid) => {
          const before = await counts()
          const answer = (await t.invoke(fn, { action, data: payload }, openid ? { openid } : {})) as { ok: boolean; code?: string }
          if (answer.ok) return
          expect(ALLOWED).toContain(answer.code)
          expect(await counts()).toEqual(before)
        },
      ),
      { numRuns: 250 },
    )
  }, 60_000)
})
