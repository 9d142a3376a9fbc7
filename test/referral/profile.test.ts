import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { as, configureOwner, doc, expectOk, OWNER } from './helpers'

let t: TestCloud
beforeAll(async () => {
  configureOwner()
  t = await startTestCloud({ seed: true })
})
afterAll(() => t.stop())

const AVATAR = 'cloud://local.6c6f-local-1250000000/avatars/o-pat/a.png'

describe('profile', () => {
  test('a first visit reads an empty profile and writes nothing', async () => {
    expect(expectOk(await as(t, 'profile', 'o-pat')('get'))).toEqual({ profile: { isOwner: false } })
    expect(await doc(t, 'customers', 'o-pat')).toBeUndefined()
  })

  test('nickname, avatar fileID and phone are saved for the caller and read back', async () => {
    const saved = expectOk(await as(t, 'profile', 'o-pat')('update', { nickname: '  小帕 ', avatarUrl: AVATAR, phone: '13800138000' }))
    expect(saved.profile).toEqual({ nickname: '小帕', avatarUrl: AVATAR, phone: '13800138000', isOwner: false })
    expect(expectOk(await as(t, 'profile', 'o-pat')('get')).profile).toEqual(saved.profile)
  })

  test('fields left out stay; null clears the phone', async () => {
    expectOk(await as(t, 'profile', 'o-pat')('update', { phone: null }))
    expect(expectOk(await as(t, 'profile', 'o-pat')('get')).profile).toEqual({ nickname: '小帕', avatarUrl: AVATAR, isOwner: false })
  })

  test("updating a profile keeps the binding and the orders' statistics on the same document", async () => {
    await t.db.collection('customers').doc('o-demo-customer-mei').update({ stats: { orders: 2 } })
    expectOk(await as(t, 'profile', 'o-demo-customer-mei')('update', { nickname: '美美2' }))
    expect(await doc(t, 'customers', 'o-demo-customer-mei')).toMatchObject({ nickname: '美美2', sellerId: 's_Lin8shop', stats: { orders: 2 } })
  })

  test('identity comes only from the context: an openid in the event is refused or ignored', async () => {
    expect(await as(t, 'profile', 'o-pat')('update', { nickname: 'x', openid: 'o-demo-customer-mei' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    const r = await t.invoke('profile', { action: 'get', data: {}, openid: 'o-demo-customer-mei', userInfo: { openId: 'o-demo-customer-mei' } }, { openid: 'o-pat' })
    expect(r).toMatchObject({ ok: true, data: { profile: { nickname: '小帕' } } })
    expect(await as(t, 'profile')('get')).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })

  test('roles are data: the configured owner and a seller see their roles', async () => {
    expect(expectOk(await as(t, 'profile', OWNER)('get')).profile.isOwner).toBe(true)
    expect(expectOk(await as(t, 'profile', 'o-demo-seller-lin')('get')).profile.seller).toEqual({ sellerId: 's_Lin8shop', status: 'active', name: '林姐的茶铺' })
  })

  test.each([
    [{ nickname: '' }],
    [{ nickname: 'x'.repeat(33) }],
    [{ nickname: 'a\u0000b' }],
    [{ avatarUrl: 'http://evil.example/a.png' }],
    [{ avatarUrl: 'wxfile://tmp_abc.png' }],
    [{ phone: '12345' }],
    [{}],
    [{ nickname: { $gt: '' } }],
  ])('refuses %j with INVALID_INPUT', async (data) => {
    expect(await as(t, 'profile', 'o-pat')('update', data)).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })
})
