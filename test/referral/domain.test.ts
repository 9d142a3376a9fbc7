import fc from 'fast-check'
import {
  channelOfScene,
  creditTargetOf,
  decideBinding,
  decodeScene,
  DEFAULT_BINDING_RULE,
  encodeScene,
  generateShortCode,
  isShortCode,
  isValidScene,
  type BindingMode,
  type BindingRule,
  type CustomerSnapshot,
  type SharePolicy,
  type SharerSnapshot,
} from '../../domain/referral'

const DAY = 24 * 60 * 60 * 1000
const NOW = Date.UTC(2026, 10, 27)

const rule = (mode: BindingMode, windowDays = 30, sharePolicy: SharePolicy = 'sellersOnly'): BindingRule => ({ mode, windowDays, sharePolicy })
const activeSeller = (openid: string, sellerId: string, extra: Partial<SharerSnapshot> = {}): SharerSnapshot => ({
  openid,
  seller: { sellerId, status: 'active' },
  enrolmentSellerId: `enrol-${openid}`,
  ...extra,
})
const plainSharer = (openid: string, boundSeller?: { sellerId: string; openid: string }): SharerSnapshot => ({ openid, enrolmentSellerId: `enrol-${openid}`, boundSeller })
const customer = (openid: string, binding?: { sellerId: string; daysAgo: number }, ownSellerId?: string): CustomerSnapshot => ({
  openid,
  ownSellerId,
  binding: binding && { sellerId: binding.sellerId, boundAt: NOW - binding.daysAgo * DAY },
})

describe('binding modes', () => {
  const alice = activeSeller('o-alice', 's-alice')
  const cases: Array<[string, BindingRule, CustomerSnapshot, boolean, string?]> = [
    ['unbound customer, any mode: bound', rule('permanentFirstTouch'), customer('o-c'), true],
    ['permanent first touch keeps the first seller after a year', rule('permanentFirstTouch'), customer('o-c', { sellerId: 's-bob', daysAgo: 365 }), false, 'keptExisting'],
    ['window: inside 30 days the first seller is kept', rule('firstTouchWindow'), customer('o-c', { sellerId: 's-bob', daysAgo: 29 }), false, 'keptExisting'],
    ['window: after 30 days the next touch rebinds', rule('firstTouchWindow'), customer('o-c', { sellerId: 's-bob', daysAgo: 30 }), true],
    ['window of 7 days: day 8 rebinds', rule('firstTouchWindow', 7), customer('o-c', { sellerId: 's-bob', daysAgo: 8 }), true],
    ['last touch moves to the newest seller at once', rule('lastTouch'), customer('o-c', { sellerId: 's-bob', daysAgo: 0 }), true],
    ['the same seller again changes nothing', rule('lastTouch'), customer('o-c', { sellerId: 's-alice', daysAgo: 100 }), false, 'alreadyBound'],
  ]
  test.each(cases)('%s', (...[, r, c, bind, reason]) => {
    const decision = decideBinding({ customer: c, sharer: alice, rule: r, now: NOW })
    expect(decision.bind).toBe(bind)
    if (decision.bind) expect(decision.target.sellerId).toBe('s-alice')
    else expect(decision.reason).toBe(reason)
  })

  describe('a lapsed window (first touch with a 30-day window)', () => {
    const lapsed = (windowDaysAgo?: number): CustomerSnapshot => ({ openid: 'o-c', binding: { sellerId: 's-alice', boundAt: NOW - 45 * DAY, ...(windowDaysAgo === undefined ? {} : { windowFrom: NOW - windowDaysAgo * DAY }) } })
    test('the bound seller’s own touch renews the window: not a new binding', () => {
      expect(decideBinding({ customer: lapsed(), sharer: alice, rule: rule('firstTouchWindow'), now: NOW })).toEqual({ bind: false, reason: 'alreadyBound', target: expect.objectContaining({ sellerId: 's-alice' }), renewsWindow: true })
    })
    test('inside the window (from the binding or from a renewal) the seller’s own touch changes nothing', () => {
      const inside = { openid: 'o-c', binding: { sellerId: 's-alice', boundAt: NOW - 10 * DAY } }
      expect(decideBinding({ customer: inside, sharer: alice, rule: rule('firstTouchWindow'), now: NOW })).not.toHaveProperty('renewsWindow')
      expect(decideBinding({ customer: lapsed(5), sharer: alice, rule: rule('firstTouchWindow'), now: NOW })).not.toHaveProperty('renewsWindow')
    })
    test('a renewed window protects from another seller until it lapses in turn', () => {
      const bob = activeSeller('o-bob', 's-bob')
      expect(decideBinding({ customer: lapsed(29), sharer: bob, rule: rule('firstTouchWindow'), now: NOW })).toMatchObject({ bind: false, reason: 'keptExisting' })
      expect(decideBinding({ customer: lapsed(30), sharer: bob, rule: rule('firstTouchWindow'), now: NOW })).toMatchObject({ bind: true, replacesSellerId: 's-alice', target: { sellerId: 's-bob' } })
    })
    test('the other modes never renew anything', () => {
      for (const mode of ['permanentFirstTouch', 'lastTouch'] as const) expect(decideBinding({ customer: lapsed(), sharer: alice, rule: rule(mode), now: NOW })).toEqual({ bind: false, reason: 'alreadyBound', target: expect.anything() })
    })
  })

  test('the default rule is first touch with a 30-day window, sellers only', () => {
    expect(DEFAULT_BINDING_RULE).toEqual({ mode: 'firstTouchWindow', windowDays: 30, sharePolicy: 'sellersOnly' })
  })
})

describe('who is credited (one level only)', () => {
  test('an active seller sharing is credited', () => {
    expect(creditTargetOf(activeSeller('o-alice', 's-alice'), 'sellersOnly')).toMatchObject({ sellerId: 's-alice', enrolsSharer: false })
  })
  test("a customer forwarding a seller's card keeps the sale with that seller", () => {
    expect(creditTargetOf(plainSharer('o-carol', { sellerId: 's-alice', openid: 'o-alice' }), 'sellersOnly')).toMatchObject({ sellerId: 's-alice', openid: 'o-alice' })
  })
  test('a pending seller is not credited yet: their own seller is', () => {
    const pending: SharerSnapshot = { openid: 'o-p', seller: { sellerId: 's-p', status: 'pending' }, enrolmentSellerId: 'x', boundSeller: { sellerId: 's-alice', openid: 'o-alice' } }
    expect(creditTargetOf(pending, 'everyone')).toMatchObject({ sellerId: 's-alice' })
  })
  test('an unbound customer sharing credits nobody under sellers only', () => {
    expect(creditTargetOf(plainSharer('o-carol'), 'sellersOnly')).toBeUndefined()
    expect(decideBinding({ customer: customer('o-d'), sharer: plainSharer('o-carol'), rule: DEFAULT_BINDING_RULE, now: NOW })).toEqual({ bind: false, reason: 'noCreditableSeller' })
  })
  test('under "everyone may share" the sharer is credited and enrolled', () => {
    expect(creditTargetOf(plainSharer('o-carol', { sellerId: 's-alice', openid: 'o-alice' }), 'everyone')).toEqual({ sellerId: 'enrol-o-carol', openid: 'o-carol', enrolsSharer: true })
  })
})

describe('refusals', () => {
  test('a seller opening their own card is not bound to themselves', () => {
    const d = decideBinding({ customer: customer('o-alice', undefined, 's-alice'), sharer: activeSeller('o-alice', 's-alice'), rule: rule('lastTouch'), now: NOW })
    expect(d).toMatchObject({ bind: false, reason: 'selfReferral' })
  })
  test("a seller opening a card their customer forwarded is not bound to themselves", () => {
    const d = decideBinding({
      customer: customer('o-alice', undefined, 's-alice'),
      sharer: plainSharer('o-carol', { sellerId: 's-alice', openid: 'o-alice' }),
      rule: rule('lastTouch'),
      now: NOW,
    })
    expect(d).toMatchObject({ bind: false, reason: 'selfReferral' })
  })
  test('A bound to B: B opening A\'s card is refused as a loop', () => {
    const d = decideBinding({
      customer: customer('o-bob', undefined, 's-bob'),
      sharer: activeSeller('o-alice', 's-alice'),
      targetBoundToSellerId: 's-bob',
      rule: rule('lastTouch'),
      now: NOW,
    })
    expect(d).toMatchObject({ bind: false, reason: 'loop' })
  })
  test('no identity binds nobody', () => {
    expect(decideBinding({ customer: undefined, sharer: activeSeller('o-alice', 's-alice'), rule: DEFAULT_BINDING_RULE, now: NOW })).toMatchObject({ bind: false, reason: 'anonymous' })
  })
})

describe('property: replaying any sequence of opens', () => {
  const PEOPLE = ['a', 'b', 'c', 'd', 'e', 'f']
  test('never binds anyone to themselves, never credits two levels up, never forms an A<->B loop', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<BindingMode>('permanentFirstTouch', 'firstTouchWindow', 'lastTouch'),
        fc.constantFrom<SharePolicy>('sellersOnly', 'everyone'),
        fc.subarray(PEOPLE),
        fc.array(fc.record({ opener: fc.constantFrom(...PEOPLE), sharer: fc.constantFrom(...PEOPLE), days: fc.integer({ min: 0, max: 40 }) }), { maxLength: 40 }),
        (mode, policy, initialSellers, opens) => {
          const sellers = new Set(initialSellers)
          const boundTo = new Map<string, { seller: string; at: number }>()
          let now = NOW
          const sellerId = (p: string) => `s-${p}`
          for (const open of opens) {
            now += open.days * DAY
            const bound = boundTo.get(open.sharer)
            const sharer: SharerSnapshot = {
              openid: open.sharer,
              seller: sellers.has(open.sharer) ? { sellerId: sellerId(open.sharer), status: 'active' } : undefined,
              enrolmentSellerId: sellerId(open.sharer),
              boundSeller: bound && { sellerId: sellerId(bound.seller), openid: bound.seller },
            }
            const target = creditTargetOf(sharer, policy)
            const openerBinding = boundTo.get(open.opener)
            const targetBinding = target && boundTo.get(target.openid)
            const d = decideBinding({
              customer: {
                openid: open.opener,
                ownSellerId: sellers.has(open.opener) ? sellerId(open.opener) : undefined,
                binding: openerBinding && { sellerId: sellerId(openerBinding.seller), boundAt: openerBinding.at },
              },
              sharer,
              targetBoundToSellerId: targetBinding && sellerId(targetBinding.seller),
              rule: { mode, windowDays: 30, sharePolicy: policy },
              now,
            })
            if (target) {
              // one level: the sharer, or the sharer's own seller, never further up
              expect([sellerId(open.sharer), sharer.boundSeller?.sellerId]).toContain(target.sellerId)
              if (sharer.seller) expect(target.sellerId).toBe(sellerId(open.sharer))
            }
            if (d.bind) {
              if (d.target.enrolsSharer) sellers.add(d.target.openid)
              boundTo.set(open.opener, { seller: d.target.openid, at: now })
            }
            for (const [who, b] of boundTo) {
              expect(b.seller).not.toBe(who)
              if (sellers.has(who)) expect(boundTo.get(b.seller)?.seller).not.toBe(who)
            }
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('short codes and scenes', () => {
  test('generated codes are 8 letters or digits and valid', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 8, maxLength: 8 }), (values) => {
      let i = 0
      const code = generateShortCode(() => values[i++])
      expect(code).toMatch(/^[0-9A-Za-z]{8}$/)
      expect(isShortCode(code)).toBe(true)
    }))
  })
  test.each([
    ['aB3dE5fG', true],
    ['abc', false],
    ['abc-1234', false],
    ['x'.repeat(17), false],
    ['', false],
  ])('isShortCode(%j) is %s', (code, ok) => expect(isShortCode(code)).toBe(ok))

  test('a scene carries the code and a product id in at most 32 allowed characters, and reads back', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Za-z]{4,8}$/), fc.option(fc.stringMatching(/^[0-9A-Za-z_-]{1,23}$/), { nil: undefined }), (code, productId) => {
        const scene = encodeScene(code, productId)
        expect(scene.length).toBeLessThanOrEqual(32)
        expect(isValidScene(scene)).toBe(true)
        expect(decodeScene(scene)).toEqual(productId === undefined ? { code } : { code, productId })
      }),
    )
  })
  test.each(['', 'abcd~p~q', 'ab%20cd', 'a'.repeat(33), 'ab c', 'abcd~'])('decodeScene refuses %j', (scene) => expect(decodeScene(scene)).toBeUndefined())
  test('a product id that does not fit is refused when encoding', () => {
    expect(() => encodeScene('aB3dE5fG', 'p'.repeat(24))).toThrow(RangeError)
  })
})

describe('scene values to channels', () => {
  test.each([
    [1007, 'chat'],
    [1008, 'group'],
    [1044, 'group'],
    [1047, 'code'],
    [1048, 'code'],
    [1049, 'code'],
    [1154, 'moments'],
    [1001, 'other'],
  ] as const)('%i is %s', (scene, channel) => expect(channelOfScene(scene)).toBe(channel))
})
