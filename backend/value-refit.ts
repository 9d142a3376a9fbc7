/**
 * The value refit: fit the store's model from every customer's statistics, store it in
 * `settings/valueModel` (read by the payment path and My customers), rescore every customer,
 * then store each referrer's referral value (CRV). A function runs at most 60 s, so the job is
 * persisted in `settings/valueRefit` (phase, cursor over `_id`, model version, counters) and
 * every run (the owner's call, then the `customers` timer each minute) continues where the last
 * stopped. A run holds a lease on the job: two runs never work at once, and a run that died
 * leaves a lease that expires, after which the next tick resumes from the last saved cursor
 * (rescoring a batch twice is harmless). A score is written only if the customer's statistics
 * are still the ones it was computed from, so a payment between the read and the write (which
 * scored the customer itself) is never overwritten with an older score.
 */
import { randomBytes } from 'node:crypto'
import { cloudApp, type CloudApp } from './cloud'
import { isDuplicateWrite } from './db-errors'
import { readStoreSettings } from './settings'
import { buildValueModel, dayNumber, referralValueOfReferrer, scoreCustomer, storeDayOf, storeHourOf, summaryFromStats, ValueInputError } from '../domain/value'
import type { RefitJobView, RefitPhase, ValueModelSummary } from '../typings/store'
import type { CustomerScore, CustomerStats, StoreDay, ValueModel } from '../typings/value'

type Db = ReturnType<CloudApp['database']>

export const REFIT_JOB_ID = 'valueRefit'
export const VALUE_MODEL_ID = 'valueModel'
/** A run stops starting batches after this long (a function may run 60 s). */
const RUN_BUDGET_MS = 40_000
/** A run's lease: longer than any run, so only a dead run's lease expires. */
const LEASE_MS = 90_000
export const DEFAULT_BATCH_SIZE = 200
/** The payment path reuses a model for up to 60 s (backend/paid-order.ts); payments scored meanwhile with the old one are rescored after this. */
const RECENT_AFTER_MS = 90_000
const RECENT_MARGIN_MS = 10_000
const RECENT_CAP = 5_000
/** Customers read per referrer (bound through one code). */
const REFERRED_CAP = 10_000
const PAGE = 1000
/** The nightly refit starts at the first tick from this hour of the store's clock. */
const NIGHTLY_HOUR = 3

export interface RefitJobDoc {
  _id: typeof REFIT_JOB_ID
  jobId: string
  trigger: 'owner' | 'nightly'
  phase: RefitPhase
  modelVersion: string | null
  /** Store day the job scores on. */
  day: StoreDay
  cursor: string | null
  rescored: number
  skipped: number
  referrers: number
  runs: number
  batchSize: number
  batchesPerRun: number | null
  leaseId: string | null
  leaseUntil: Date
  modelWrittenAt: Date | null
  startedAt: Date
  updatedAt: Date
  finishedAt: Date | null
  /** Store day of the last nightly start (kept across jobs). */
  lastNightlyDay: StoreDay | null
}

interface StoredModel {
  _id: string
  model: ValueModel
  version: string
  writtenAt: Date
}

interface CustomerForScore {
  _id: string
  stats?: CustomerStats | null
}

const db = () => cloudApp().database()
const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null)

export function jobView(job: RefitJobDoc): RefitJobView {
  return {
    jobId: job.jobId,
    trigger: job.trigger,
    phase: job.phase,
    modelVersion: job.modelVersion,
    rescored: job.rescored,
    skipped: job.skipped,
    referrers: job.referrers,
    runs: job.runs,
    startedAt: iso(job.startedAt) as string,
    updatedAt: iso(job.updatedAt) as string,
    finishedAt: iso(job.finishedAt),
  }
}

export async function readJob(database: Db = db()): Promise<RefitJobDoc | undefined> {
  const { data } = await database.collection('settings').doc(REFIT_JOB_ID).get()
  return (data as RefitJobDoc[])[0]
}

export async function readModelSummary(database: Db = db()): Promise<ValueModelSummary | null> {
  const { data } = await database.collection('settings').doc(VALUE_MODEL_ID).get()
  const stored = (data as StoredModel[])[0]
  if (!stored?.model) return null
  const m = stored.model
  return { version: stored.version ?? 'unversioned', source: m.source, fittedAt: m.fittedAt, customers: m.customers, repeatCustomers: m.repeatCustomers }
}

const newJobId = () => `r${Date.now().toString(36)}${randomBytes(3).toString('hex')}`

/**
 * Starts a refit job unless one is running (then answers that one). Of concurrent starts one
 * wins: the new job replaces the finished one only where it is still the finished one.
 */
export async function startRefit(trigger: 'owner' | 'nightly', options: { batchSize?: number; batchesPerRun?: number } = {}): Promise<RefitJobDoc> {
  const database = db()
  const settings = database.collection('settings')
  const existing = await readJob(database)
  if (existing && existing.phase !== 'done') return existing
  const now = new Date()
  const today = storeDayOf(now)
  const fresh: Omit<RefitJobDoc, '_id'> = {
    jobId: newJobId(),
    trigger,
    phase: 'fit',
    modelVersion: null,
    day: today,
    cursor: null,
    rescored: 0,
    skipped: 0,
    referrers: 0,
    runs: 0,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    batchesPerRun: options.batchesPerRun ?? null,
    leaseId: null,
    leaseUntil: new Date(0),
    modelWrittenAt: null,
    startedAt: now,
    updatedAt: now,
    finishedAt: null,
    lastNightlyDay: trigger === 'nightly' ? today : (existing?.lastNightlyDay ?? null),
  }
  if (!existing) {
    try {
      await settings.add({ _id: REFIT_JOB_ID, ...fresh })
      return { _id: REFIT_JOB_ID, ...fresh }
    } catch (err) {
      if (!isDuplicateWrite(err)) throw err
    }
  } else {
    const { updated } = (await settings.where({ _id: REFIT_JOB_ID, jobId: existing.jobId, phase: 'done' }).update(fresh)) as { updated?: number }
    if (updated) return { _id: REFIT_JOB_ID, ...fresh }
  }
  return (await readJob(database)) as RefitJobDoc // another start won
}

/** Whether a tick with no job running starts one: at once without a model, else once per store day from 03:00. */
export function nightlyRefitDue(now: Date, lastNightlyDay: StoreDay | null | undefined, hasModel: boolean): boolean {
  if (!hasModel) return true
  return storeHourOf(now) >= NIGHTLY_HOUR && lastNightlyDay !== storeDayOf(now)
}

/**
 * The timer's tick: starts the nightly job (once per store day from 03:00, or at once when the
 * store has no model yet), then continues whatever job is running.
 */
export async function refitTick(): Promise<RefitJobDoc | undefined> {
  const database = db()
  const job = await readJob(database)
  if (!job || job.phase === 'done') {
    const hasModel = (await readModelSummary(database)) !== null
    if (!nightlyRefitDue(new Date(), job?.lastNightlyDay, hasModel)) return job
    await startRefit('nightly')
  }
  return runRefit()
}

/**
 * Works on the running job for one run: takes the lease (or returns if another run holds it or
 * nothing runs), then phase by phase, batch by batch, saving progress after each batch on the
 * condition that it still holds the lease, until done, the budget is spent or `batchesPerRun`
 * batches ran. Answers the job as it left it.
 */
export async function runRefit(budgetMs = RUN_BUDGET_MS): Promise<RefitJobDoc | undefined> {
  const database = db()
  const _ = database.command
  const settings = database.collection('settings')
  const started = Date.now()
  const leaseId = randomBytes(8).toString('hex')
  const claim = (await settings
    .where({ _id: REFIT_JOB_ID, phase: _.neq('done'), leaseUntil: _.lt(new Date()) })
    .update({ leaseId, leaseUntil: new Date(Date.now() + LEASE_MS), runs: _.inc(1) })) as { updated?: number }
  if (!claim.updated) return readJob(database)
  let job = (await readJob(database)) as RefitJobDoc
  if (job.leaseId !== leaseId) return job

  /** Saves progress if the lease is still ours; false when it is not (another run took over). */
  const save = async (change: Partial<RefitJobDoc>): Promise<boolean> => {
    const fields = { ...change, updatedAt: new Date() }
    const { updated } = (await settings.where({ _id: REFIT_JOB_ID, leaseId }).update(fields)) as { updated?: number }
    if (updated) job = { ...job, ...fields }
    return Boolean(updated)
  }

  try {
    let batches = 0
    while (job.phase !== 'done') {
      if (Date.now() - started > budgetMs) break
      if (job.batchesPerRun !== null && batches >= job.batchesPerRun) break
      batches++
      const step = await STEPS[job.phase](database, job)
      if (step === 'wait') break
      if (!(await save(step))) return readJob(database)
    }
  } finally {
    await settings.where({ _id: REFIT_JOB_ID, leaseId }).update({ leaseId: null, leaseUntil: new Date(0) })
  }
  return readJob(database)
}

type Step = Partial<RefitJobDoc> | 'wait'

const STEPS: Record<Exclude<RefitPhase, 'done'>, (database: Db, job: RefitJobDoc) => Promise<Step>> = {
  fit: fitStep,
  rescore: rescoreStep,
  recent: recentStep,
  referral: referralStep,
}

/** Fits the model on every customer's statistics (margin and discount from settings/store) and stores it under the job's version. */
async function fitStep(database: Db, job: RefitJobDoc): Promise<Step> {
  const _ = database.command
  const store = await readStoreSettings(database)
  const allStats: CustomerStats[] = []
  let after = ''
  for (;;) {
    const { data } = await database.collection('customers').where({ _id: _.gt(after) }).orderBy('_id', 'asc').field({ stats: true }).limit(PAGE).get()
    const page = data as CustomerForScore[]
    for (const c of page) if (c.stats && scorable(c.stats, job.day)) allStats.push(c.stats)
    if (page.length < PAGE) break
    after = page[page.length - 1]._id
  }
  const model = buildValueModel(allStats, job.day, {
    scoring: { margin: store.value.marginBps / 10_000, annualDiscount: store.value.annualDiscountBps / 10_000 },
  })
  const writtenAt = new Date()
  await database.collection('settings').doc(VALUE_MODEL_ID).set({ model, version: job.jobId, writtenAt })
  return { phase: 'rescore', modelVersion: job.jobId, modelWrittenAt: writtenAt, cursor: null }
}

/** Statistics the model can take on `day` (a malformed document is left out of the fit, not fatal to it). */
function scorable(stats: CustomerStats, day: StoreDay): boolean {
  try {
    summaryFromStats(stats, day)
    return true
  } catch (err) {
    if (err instanceof ValueInputError) return false
    throw err
  }
}

async function currentModel(database: Db, job: RefitJobDoc): Promise<ValueModel> {
  const { data } = await database.collection('settings').doc(VALUE_MODEL_ID).get()
  const stored = (data as StoredModel[])[0]
  // an owner's second refit never overlaps this one (one job at a time), so the stored model is this job's
  if (!stored?.model) throw new Error(`refit ${job.jobId}: settings/valueModel is missing`)
  return stored.model
}

/**
 * Scores one customer with `model` and writes it only where the statistics are still exactly
 * those it was computed from: a payment (or refund) since the read rescored them already, so
 * this write then matches nothing and leaves theirs. Answers whether it wrote.
 */
export async function writeScoreIfUnchanged(database: Db, customer: CustomerForScore, model: ValueModel, day: StoreDay, modelVersion: string): Promise<boolean> {
  const stats = customer.stats
  if (!stats) return false
  let score: CustomerScore
  try {
    const scoreDay = dayNumber(stats.lastPurchaseDay) > dayNumber(day) ? stats.lastPurchaseDay : day
    score = scoreCustomer(stats, model, scoreDay)
  } catch (err) {
    if (err instanceof ValueInputError) {
      console.warn(`[refit] customer ${customer._id}: statistics not scorable (${err.message})`)
      return false
    }
    throw err
  }
  const { updated } = (await database
    .collection('customers')
    .where({
      _id: customer._id,
      'stats.firstPurchaseDay': stats.firstPurchaseDay,
      'stats.lastPurchaseDay': stats.lastPurchaseDay,
      'stats.repeatPurchaseDays': stats.repeatPurchaseDays,
      'stats.firstDaySpendFen': stats.firstDaySpendFen,
      'stats.repeatSpendFen': stats.repeatSpendFen,
    })
    .update({ score, scoreModelVersion: modelVersion })) as { updated?: number }
  return Boolean(updated)
}

/** Writes scores a few at a time; answers how many were written. */
async function writeScores(database: Db, customers: CustomerForScore[], model: ValueModel, job: RefitJobDoc): Promise<number> {
  let written = 0
  for (let i = 0; i < customers.length; i += 10) {
    const results = await Promise.all(customers.slice(i, i + 10).map((c) => writeScoreIfUnchanged(database, c, model, job.day, job.modelVersion as string)))
    written += results.filter(Boolean).length
  }
  return written
}

/** Rescores the next batch of customers after the cursor (by `_id`). */
async function rescoreStep(database: Db, job: RefitJobDoc): Promise<Step> {
  const _ = database.command
  const model = await currentModel(database, job)
  const { data } = await database
    .collection('customers')
    .where({ _id: _.gt(job.cursor ?? '') })
    .orderBy('_id', 'asc')
    .field({ stats: true })
    .limit(job.batchSize)
    .get()
  const batch = data as CustomerForScore[]
  const withStats = batch.filter((c) => c.stats)
  const written = await writeScores(database, withStats, model, job)
  const progress = { rescored: job.rescored + written, skipped: job.skipped + (withStats.length - written) }
  if (batch.length < job.batchSize) return { ...progress, phase: 'recent', cursor: null }
  return { ...progress, cursor: batch[batch.length - 1]._id }
}

/**
 * Customers who paid while the payment path could still hold the previous model (up to 60 s
 * after the new one was stored) and were rescored before they paid: rescored once more, after
 * that window has passed (until then the run waits for the next tick).
 */
async function recentStep(database: Db, job: RefitJobDoc): Promise<Step> {
  const _ = database.command
  const writtenAt = new Date(job.modelWrittenAt ?? job.startedAt).getTime()
  if (Date.now() < writtenAt + RECENT_AFTER_MS) return 'wait'
  const model = await currentModel(database, job)
  const recent: CustomerForScore[] = []
  for (let skip = 0; skip < RECENT_CAP; skip += PAGE) {
    const { data } = await database
      .collection('customers')
      .where({ lastPaidAt: _.gte(new Date(writtenAt - RECENT_MARGIN_MS)) })
      .orderBy('lastPaidAt', 'asc')
      .skip(skip)
      .field({ stats: true })
      .limit(PAGE)
      .get()
    recent.push(...(data as CustomerForScore[]))
    if ((data as unknown[]).length < PAGE) break
  }
  await writeScores(database, recent, model, job)
  return { phase: 'referral', cursor: null }
}

interface ReferredDoc {
  _id: string
  boundAt?: Date | string
  stats?: CustomerStats | null
  score?: { clvFen?: number | null } | null
  spendFen?: number
}

/** Stores the referral value of the next batch of share codes' owners (by code). */
async function referralStep(database: Db, job: RefitJobDoc): Promise<Step> {
  const _ = database.command
  const [store, model] = await Promise.all([readStoreSettings(database), currentModel(database, job)])
  const margin = store.value.marginBps / 10_000
  const { data } = await database.collection('shareCodes').where({ _id: _.gt(job.cursor ?? '') }).orderBy('_id', 'asc').field({ openid: true }).limit(job.batchSize).get()
  const codes = data as Array<{ _id: string; openid: string }>
  let valued = 0
  for (const code of codes) {
    const referred: ReferredDoc[] = []
    for (let skip = 0; skip < REFERRED_CAP; skip += PAGE) {
      const page = (
        await database
          .collection('customers')
          .where({ 'bindingSource.code': code._id })
          .orderBy('boundAt', 'desc')
          .skip(skip)
          .field({ boundAt: true, stats: true, score: true, spendFen: true })
          .limit(PAGE)
          .get()
      ).data as ReferredDoc[]
      referred.push(...page)
      if (page.length < PAGE) break
    }
    const value = referralValueOfReferrer(
      code.openid,
      referred
        .filter((r) => r._id !== code.openid && r.boundAt)
        .map((r) => ({
          customerId: r._id,
          boundDay: storeDayOf(new Date(r.boundAt as Date), model.timeZone),
          ...(r.stats ? { firstPurchaseDay: r.stats.firstPurchaseDay } : {}),
          clvFen: r.score?.clvFen ?? null,
          spendFen: r.spendFen ?? 0,
        })),
      margin,
    )
    const { updated } = (await database
      .collection('customers')
      .doc(code.openid)
      .update({ referralValue: { crvFen: value.crvFen, referrals: value.referrals, incrementalReferrals: value.incrementalReferrals, modelVersion: job.modelVersion, day: job.day } })) as { updated?: number }
    if (updated) valued++
  }
  const progress = { referrers: job.referrers + valued }
  if (codes.length < job.batchSize) return { ...progress, phase: 'done', cursor: null, finishedAt: new Date() }
  return { ...progress, cursor: codes[codes.length - 1]._id }
}
