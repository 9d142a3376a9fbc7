/**
 * `npm start` on the demo data: the store has no model yet, so the `customers` timer's first
 * ticks (fired by the local cloud's own timer triggers) fit one on the demo history and rescore
 * every demo customer with it, without anyone asking.
 */
import { storeDayOf } from '../../domain/value'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { OWNER } from './helpers'

jest.setTimeout(120_000)
let t: TestCloud
beforeAll(async () => {
  process.env.OWNER_OPENIDS = OWNER
  t = await startTestCloud({ seed: true, timers: true })
}, 60_000)
afterAll(() => t?.stop())

const job = async () => (await t.db.collection('settings').doc('valueRefit').get()).data[0]

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await read()
    if (ok(value)) return value
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`never: ${what}`)
}

test('the first timer tick refits on the demo history and the next ones finish rescoring it', async () => {
  expect(await job()).toBeUndefined()
  t.cloud.clock.advance(61_000) // the minute trigger comes due
  const started = await until(job, (j) => j?.phase !== undefined && j.phase !== 'fit', 'the first tick fitted a model')
  expect(started.trigger).toBe('nightly')
  for (let i = 0; i < 5 && (await job()).phase !== 'done'; i++) {
    t.cloud.clock.advance(100_000) // later minutes (past the payment path's model cache window)
    await until(job, (j) => j.leaseId === null && j.runs > started.runs + i, 'a later tick ran')
  }
  const done = await job()
  expect(done.phase).toBe('done')
  const { data } = await t.db.collection('customers').limit(100).get()
  const scored = data.filter((c: any) => c.stats)
  expect(scored.length).toBeGreaterThan(30)
  const today = storeDayOf(new Date(Date.now() + t.cloud.clock.offset()))
  for (const c of scored) expect({ id: c._id, version: c.scoreModelVersion, day: c.score.scoredAt }).toEqual({ id: c._id, version: done.jobId, day: today })
  expect(data.find((c: any) => c._id === 'o-demo-customer-mei').referralValue.modelVersion).toBe(done.jobId)
})
