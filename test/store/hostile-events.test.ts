/** Malformed and hostile events against `store`, the funnel and the refit timer: only typed refusals, never INTERNAL, nothing written. */
import fc from 'fast-check'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { OWNER } from './helpers'

let t: TestCloud
beforeAll(async () => {
  process.env.OWNER_OPENIDS = OWNER
  t = await startTestCloud({ seed: true })
}, 60_000)
afterAll(() => t?.stop())

const EXPECTED = new Set(['INVALID_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND'])

async function snapshot() {
  const read = async (c: string) => JSON.stringify((await t.db.collection(c).limit(1000).get()).data)
  return Promise.all(['settings', 'customers', 'shareEvents', 'sellers'].map(read))
}

const hostileValue = fc.oneof(
  fc.anything(),
  fc.constantFrom(null, '', -1, 0, 1.5, 1e308, '$where', { $gt: '' }, { _id: { $ne: null } }, '2026-02-30', '../../etc', 's_Lin8shop\u0000', {}, []),
)

test('every store and funnel action refuses malformed data with a typed code and writes nothing', async () => {
  const before = await snapshot()
  const seen = new Set<string>()
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('settings.get', 'settings.update', 'refit.start', 'refit.status', 'funnel', '__proto__', 'constructor'),
      fc.oneof(
        hostileValue,
        fc.record({ store: hostileValue, referral: hostileValue }, { requiredKeys: [] }),
        fc.record({ store: fc.record({ shipping: hostileValue, commission: hostileValue, value: hostileValue, autoCompleteDays: hostileValue }, { requiredKeys: [] }) }),
        fc.record({ batchSize: hostileValue, batchesPerRun: hostileValue }, { requiredKeys: [] }),
        fc.record({ sellerId: hostileValue, from: hostileValue, to: hostileValue }, { requiredKeys: [] }),
      ),
      fc.constantFrom(undefined, 'o-fuzz', 'o-demo-seller-lin', OWNER),
      async (actionName, data, openid) => {
        // the owner's refit.start with valid options starts a job: fuzz it as others only
        if (actionName === 'refit.start' && openid === OWNER) return
        const fn = actionName === 'funnel' ? 'referral' : 'store'
        const res: any = await t.invoke(fn, { action: actionName, data }, openid ? { openid } : {})
        if (res.ok) {
          // reads may answer; nothing that writes can succeed with this data
          expect(['settings.get', 'refit.status', 'funnel']).toContain(actionName)
          return
        }
        seen.add(res.code)
        expect(EXPECTED.has(res.code)).toBe(true)
      },
    ),
    { numRuns: 400 },
  )
  expect(seen.has('INTERNAL')).toBe(false)
  expect(await snapshot()).toEqual(before)
})

test('a timer-shaped event from anyone but the platform’s trigger runs nothing', async () => {
  const before = await snapshot()
  await fc.assert(
    fc.asyncProperty(
      fc.record({ Type: fc.constantFrom('Timer', 'timer', undefined), TriggerName: hostileValue, Time: hostileValue, Message: hostileValue }, { requiredKeys: [] }),
      fc.constantFrom('wx_client', 'scf', 'wx_paycallback'),
      fc.constantFrom(undefined, 'o-fuzz', OWNER),
      async (event, source, openid) => {
        const res: any = await t.invoke('customers', event, { source, ...(openid ? { openid } : {}) })
        expect(res).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
      },
    ),
    { numRuns: 100 },
  )
  expect(await snapshot()).toEqual(before)
})
