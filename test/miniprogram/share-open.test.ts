/** Reading who shared what from launch/show options (pure; the recording is in launch-capture.test.ts). */
import { decodeScene, parseShareOpen, shareOpenSignature } from '../../miniprogram/launch/share-open'
import { newRequestId } from '../../miniprogram/utils/request-id'

describe('share cards', () => {
  test('a single-chat card (1007) gives the sharer code from ?ref= and the product from ?id=', () => {
    expect(parseShareOpen({ scene: 1007, query: { ref: 'Lin8shop', id: 'p-longjing' } })).toEqual({ sceneValue: 1007, ref: 'Lin8shop', productId: 'p-longjing', identityless: false })
  })

  test.each([1008, 1044])('a group card (%d) keeps its shareTicket for the group lookup', (scene) => {
    expect(parseShareOpen({ scene, query: { ref: 'Lin8shop' }, shareTicket: 'ticket-1' })).toEqual({ sceneValue: scene, ref: 'Lin8shop', shareTicket: 'ticket-1', identityless: false })
  })

  test('a shareTicket outside a group scene is ignored', () => {
    expect(parseShareOpen({ scene: 1007, query: { ref: 'Lin8shop' }, shareTicket: 'ticket-1' })?.shareTicket).toBeUndefined()
  })

  test('Moments (1154) opens in single-page mode without an identity', () => {
    expect(parseShareOpen({ scene: 1154, query: { ref: 'Zhou5tea' } })).toEqual({ sceneValue: 1154, ref: 'Zhou5tea', identityless: true })
  })

  test.each([
    ['too short', 'abc'],
    ['punctuation', 'Lin8shop;drop'],
    ['too long', 'a'.repeat(17)],
  ])('a malformed ref (%s) names no sharer', (_, ref) => {
    expect(parseShareOpen({ scene: 1007, query: { ref } })).toBeNull()
  })

  test('a malformed product id is dropped, the sharer kept', () => {
    expect(parseShareOpen({ scene: 1007, query: { ref: 'Lin8shop', id: 'p/../x' } })).toEqual({ sceneValue: 1007, ref: 'Lin8shop', identityless: false })
  })
})

describe('mini program codes', () => {
  test.each([1047, 1048, 1049])('scene %d: the URI-encoded scene is decoded', (scene) => {
    expect(parseShareOpen({ scene, query: { scene: encodeURIComponent('Lin8shop~p-longjing') } })).toEqual({ sceneValue: scene, scene: 'Lin8shop~p-longjing', identityless: false })
  })

  test('a ref wins over a scene (the function takes exactly one)', () => {
    expect(parseShareOpen({ scene: 1047, query: { ref: 'Lin8shop', scene: 'Zhou5tea' } })).toMatchObject({ ref: 'Lin8shop' })
    expect(parseShareOpen({ scene: 1047, query: { ref: 'Lin8shop', scene: 'Zhou5tea' } })?.scene).toBeUndefined()
  })

  test('a malformed or over-long scene names no sharer', () => {
    expect(decodeScene('%E0%A4%A')).toBeNull()
    expect(parseShareOpen({ scene: 1047, query: { scene: '%E0%A4%A' } })).toBeNull()
    expect(parseShareOpen({ scene: 1047, query: { scene: 'x'.repeat(33) } })).toBeNull()
  })
})

describe('launches without a share', () => {
  test.each([
    ['no query', { scene: 1001 }],
    ['an empty query', { scene: 1001, query: {} }],
    ['no scene value', { query: { ref: 'Lin8shop' } }],
  ])('%s records nothing', (_, options) => {
    expect(parseShareOpen(options)).toBeNull()
  })
})

describe('identity of an open', () => {
  test('onLaunch and onShow of one cold start have the same signature; another card does not', () => {
    const a = parseShareOpen({ scene: 1007, query: { ref: 'Lin8shop' } })!
    expect(shareOpenSignature(a)).toBe(shareOpenSignature(parseShareOpen({ scene: 1007, query: { ref: 'Lin8shop' } })!))
    expect(shareOpenSignature(a)).not.toBe(shareOpenSignature(parseShareOpen({ scene: 1007, query: { ref: 'Zhou5tea' } })!))
  })

  test('request ids (open keys, checkouts, refunds, withdrawals, stock changes) fit every function\'s pattern, differ between intents, and are the prefix, the time and 16 random digits', () => {
    const keys = new Set(Array.from({ length: 200 }, () => newRequestId('o')))
    expect(keys.size).toBe(200)
    for (const key of keys) expect(key).toMatch(/^o[0-9a-z]+_[0-9a-z]{16}$/)
    for (const key of keys) expect(key).toMatch(/^[0-9A-Za-z_-]{8,64}$/)
    expect(newRequestId('c', 0, () => 0)).toBe('c0_0000000000000000')
  })
})
