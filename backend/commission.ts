/**
 * The commission ledger's data access: the credit inside the paid transaction, the reversal
 * inside a refund's transaction, the maturing timer, withdrawal requests and the owner's
 * decisions, and the views. The rules are pure in domain/commission; here they are applied to
 * snapshots read in transactions of document operations only.
 *
 * A seller's counters: the paid transition never writes the seller document (it is hot: every
 * customer of a seller pays concurrently, and a counter there made payments conflict and retry).
 * A pending entry counts only in itself; the seller document (`sellers/<id>.commission`) holds
 * the counters of entries that left `pending` (matured, or fully reversed while pending) and of
 * withdrawals, each moved in the same transaction as the entry or request it concerns. The
 * account a seller sees is the stored counters plus their pending entries (`sellerAccount`).
 * The balance is only ever moved on the seller document, so withdrawals still serialise on it.
 */
import { createHash } from 'node:crypto'
import { cloudApp, type Caller, type CloudApp } from './cloud'
import { isDuplicateWrite } from './db-errors'
import { DomainError } from './handler'
import type { OrderDoc } from './orders'
import { sellerById, sellerByOpenid, type SellerDoc } from './referral'
import { isOwner } from './roles'
import { readStoreSettings } from './settings'
import {
  accountFrom,
  accountMoves,
  applyMoves,
  EMPTY_ACCOUNT,
  assertCommissionTransition,
  assertWithdrawalTransition,
  canWithdrawalTransition,
  commissionFor,
  decideMaturity,
  earliestMaturity,
  reversalFor,
  withdrawableOf,
  withdrawalRefusal,
  type AccountDelta,
  type ReversalBucket,
} from '../domain/commission'
import type {
  CommissionAccount,
  CommissionEntryView,
  CommissionStatus,
  CommissionSummary,
  WithdrawalStatus,
  WithdrawalView,
} from '../typings/commissions'
import type { OrderStatus } from '../typings/orders'

type Db = ReturnType<CloudApp['database']>
/** A transaction of the SDK's `runTransaction` (document operations only). */
type Tx = any

export const COMMISSIONS = 'commissions'
export const WITHDRAWALS = 'commissionWithdrawals'
/** Where a seller's counters are on the seller document. */
const ACCOUNT_PATH = 'commission'

interface RefundRecord {
  refundId: string
  goodsFen: number
  reversedFen: number
  from: ReversalBucket
  at: Date
}

export interface CommissionDoc {
  _id: string
  sellerId: string
  orderId: string
  status: CommissionStatus
  baseFen: number
  rateBps: number
  amountFen: number
  reversedFen: number
  refundedGoodsFen: number
  coolingOffDays: number
  creditedAt: Date
  /** When the maturing timer looks at this pending entry next; null once it is not pending. */
  checkAfter: Date | null
  maturedAt?: Date
  reversedAt?: Date
  refunds: RefundRecord[]
}

export interface WithdrawalDoc {
  _id: string
  sellerId: string
  requestId: string
  amountFen: number
  status: WithdrawalStatus
  requestedAt: Date
  paidAt?: Date
  rejectedAt?: Date
  decidedBy?: string
  reference?: string
  reason?: string
}

type SellerWithAccount = SellerDoc & { [ACCOUNT_PATH]?: Partial<CommissionAccount> }

const db = () => cloudApp().database()
const iso = (d: Date | string | number) => new Date(d).toISOString()

/** One entry per order: a replayed payment lands on the same id. */
export const commissionIdFor = (orderId: string) => `c_${orderId}`

/** One request per (seller, client request id): a retry lands on the same id. */
export const withdrawalIdFor = (sellerId: string, requestId: string) => 'w' + createHash('sha256').update(`${sellerId}\n${requestId}`).digest('hex').slice(0, 31)

/** A transactional `doc().get()` answers the document itself (CloudBase) or a one-element array. */
function docOf<T>(result: { data?: unknown }): T | undefined {
  const data = result.data
  return ((Array.isArray(data) ? data[0] : data) ?? undefined) as T | undefined
}

/** The seller document's update for counter moves: increments of `commission.<field>`. */
function accountIncrements(database: Db, delta: AccountDelta): Record<string, unknown> {
  const _ = database.command
  const update: Record<string, unknown> = {}
  for (const [field, fen] of Object.entries(delta)) if (fen) update[`${ACCOUNT_PATH}.${field}`] = _.inc(fen)
  return update
}

const isConflict = (err: unknown) => typeof err === 'object' && err !== null && String((err as { code?: unknown }).code ?? '') === 'DATABASE_TRANSACTION_CONFLICT'
/** A concurrent transaction committed first: a conflict, or the creation of a document it created meanwhile. */
const lostRace = (err: unknown) => isConflict(err) || isDuplicateWrite(err)
const TRANSACTION_ATTEMPTS = 30

/** Runs `body` as one transaction; losing a race to a concurrent writer reruns it on fresh data after a short random wait. */
async function inTransaction<T>(body: (t: Tx) => Promise<T>): Promise<T> {
  const database = db()
  for (let attempt = 1; ; attempt++) {
    try {
      return await database.runTransaction(body, 0)
    } catch (err) {
      if (!lostRace(err) || attempt >= TRANSACTION_ATTEMPTS) throw err
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, 50)))
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Credit, inside the paid transaction

/** The commission terms an order was sold under: snapshotted on the order at creation with its prices and shipping. */
export interface CommissionTerms {
  rateBps: number
  coolingOffDays: number
}

/**
 * Credits the order's seller inside the paid transaction `t`: when the order's terms (snapshotted
 * at creation; an order created before terms were snapshotted reads the store's) pay a rate above
 * zero, writes the order's one ledger entry (`c_<orderId>`; its creation fails rather than
 * credit an order twice) with the goods value as base, the rate and cooling-off and
 * floor(itemsFen x rateBps / 10000) fen, pending. The seller document is not written: a pending
 * entry counts in the seller's account by itself (see the header). The caller has established
 * that the seller exists.
 */
export async function creditCommission(t: Tx, database: Db, order: Pick<OrderDoc, '_id' | 'sellerId' | 'itemsFen' | 'commissionTerms'>, paidAt: Date): Promise<void> {
  if (!order.sellerId) return
  const terms = order.commissionTerms ?? (await readStoreSettings(database)).commission
  const amountFen = terms.rateBps > 0 ? commissionFor(order.itemsFen, terms.rateBps) : 0
  if (amountFen === 0) return
  const entry: CommissionDoc = {
    _id: commissionIdFor(order._id),
    sellerId: order.sellerId,
    orderId: order._id,
    status: 'pending',
    baseFen: order.itemsFen,
    rateBps: terms.rateBps,
    amountFen,
    reversedFen: 0,
    refundedGoodsFen: 0,
    coolingOffDays: terms.coolingOffDays,
    creditedAt: paidAt,
    // it cannot mature before the order is paid plus the cooling-off period
    checkAfter: new Date(earliestMaturity(terms.coolingOffDays, paidAt.getTime())),
    refunds: [],
  }
  await t.collection(COMMISSIONS).add(entry)
}

/** The counters an entry brings to the seller document when it leaves `pending`: everything it credited and what was reversed of it, the rest into the balance. */
function leavePending(entry: Pick<CommissionDoc, 'amountFen'>, reversedFen: number): AccountDelta {
  return { creditedFen: entry.amountFen, reversedFen, balanceFen: entry.amountFen - reversedFen }
}

const PENDING_PAGE = 1000

/**
 * The seller's account as they see it: the counters stored on the seller document plus their
 * pending entries (credited, kept as pending, reversed), read through the index
 * `sellerId, status, creditedAt` (pending entries are the orders of the last weeks). An entry
 * leaves `pending` only in a transaction that also moves the stored counters, so when the stored
 * counters read after the entries equal those read before, no entry moved in between and the sum
 * counts each entry once; otherwise it reads again.
 */
export async function sellerAccount(seller: SellerWithAccount): Promise<CommissionAccount> {
  const storedCounters = async () => accountFrom(docOf<SellerWithAccount>(await db().collection('sellers').doc(seller._id).field({ [ACCOUNT_PATH]: true }).get())?.[ACCOUNT_PATH])
  let before = accountFrom(seller[ACCOUNT_PATH])
  for (let attempt = 1; ; attempt++) {
    let account = before
    for (let skip = 0; ; skip += PENDING_PAGE) {
      const { data } = await db().collection(COMMISSIONS).where({ sellerId: seller._id, status: 'pending' }).orderBy('creditedAt', 'desc').skip(skip).limit(PENDING_PAGE).field({ amountFen: true, reversedFen: true }).get()
      const rows = data as Array<Pick<CommissionDoc, 'amountFen' | 'reversedFen'>>
      for (const e of rows) account = applyMoves(account, accountMoves.credit(e.amountFen), accountMoves.reverse(e.reversedFen ?? 0, 'pending'))
      if (rows.length < PENDING_PAGE) break
    }
    const after = await storedCounters()
    if (JSON.stringify(after) === JSON.stringify(before) || attempt >= SUMMARY_ATTEMPTS) return account
    before = after
  }
}

/** Reads of a seller's account while their entries keep maturing under it. */
const SUMMARY_ATTEMPTS = 5

// ---------------------------------------------------------------------------------------------
// Reversal, inside a refund's transaction

export interface CommissionReversal {
  /** Commission this refund took back (0 when the order credited nothing, or nothing was left). */
  reversedFen: number
  /** Where it came from; null when nothing was taken. */
  from: ReversalBucket | null
  /** The refund was already applied: nothing changed now. */
  replay: boolean
}

/**
 * The inverse of creditCommission, for a refund of `refundGoodsFen` goods, run INSIDE the refund's
 * own transaction `t` with document operations only. Takes back the share of the credit for the
 * refunded goods (the seller keeps exactly the commission on the goods not refunded in total, so
 * a full refund takes everything and refunds together never take more than was credited), from
 * whichever bucket the entry's money is in: pending, or the balance once matured (which goes
 * negative when the money was already withdrawn). Idempotent per `refundId`: a replay changes
 * nothing and answers what that refund took. A concurrent maturing or payment makes the refund's
 * transaction conflict; its retry reads fresh data.
 */
export async function reverseCommission(
  t: Tx,
  database: Db,
  refund: { orderId: string; refundId: string; refundGoodsFen: number; at: Date },
): Promise<CommissionReversal> {
  if (!Number.isSafeInteger(refund.refundGoodsFen) || refund.refundGoodsFen < 0) throw new RangeError(`refundGoodsFen must be a non-negative integer, got ${refund.refundGoodsFen}`)
  if (!refund.refundId) throw new RangeError('refundId is required')
  const _ = database.command
  const id = commissionIdFor(refund.orderId)
  const entry = docOf<CommissionDoc>(await t.collection(COMMISSIONS).doc(id).get())
  if (!entry) return { reversedFen: 0, from: null, replay: false }
  const earlier = (entry.refunds ?? []).find((r) => r.refundId === refund.refundId)
  if (earlier) return { reversedFen: earlier.reversedFen, from: earlier.reversedFen > 0 ? earlier.from : null, replay: true }

  const fen = reversalFor(entry, entry.refundedGoodsFen ?? 0, entry.reversedFen ?? 0, refund.refundGoodsFen)
  // matured money is in the balance (or already requested or withdrawn: the balance then goes negative)
  const from: ReversalBucket = entry.maturedAt ? 'withdrawable' : 'pending'
  const record: RefundRecord = { refundId: refund.refundId, goodsFen: refund.refundGoodsFen, reversedFen: fen, from, at: refund.at }
  const update: Record<string, unknown> = { refunds: _.push(record), refundedGoodsFen: _.inc(refund.refundGoodsFen), reversedFen: _.inc(fen) }
  if (fen > 0 && (entry.reversedFen ?? 0) + fen === entry.amountFen) {
    assertCommissionTransition(entry.status, 'reversed')
    Object.assign(update, { status: 'reversed', reversedAt: refund.at, checkAfter: null })
  }
  await t.collection(COMMISSIONS).doc(id).update(update)
  // matured money comes out of the stored balance; a pending entry counts by itself until it leaves
  // pending, which a full reversal does: then its counters join the seller document
  let move: AccountDelta | undefined
  if (fen > 0 && from === 'withdrawable') move = accountMoves.reverse(fen, from)
  else if (update.status === 'reversed') move = leavePending(entry, entry.amountFen)
  if (move) await t.collection('sellers').doc(entry.sellerId).update(accountIncrements(database, move))
  return { reversedFen: fen, from: fen > 0 ? from : null, replay: false }
}

// ---------------------------------------------------------------------------------------------
// Maturing, by the timer

/** Entries the timer reads per query, entries matured per transaction (one seller each), and a run's time budget (a function runs at most 60 s). */
const MATURE_BATCH = 100
const MATURE_PER_TRANSACTION = 20
const MATURE_BUDGET_MS = 40_000

interface OrderProgressDoc {
  _id: string
  status: OrderStatus
  completedAt?: Date | string | null
}

const progressOf = (order: OrderProgressDoc | undefined) =>
  order ? { status: order.status, completedAt: order.completedAt ? new Date(order.completedAt).getTime() : null } : undefined

export interface MaturingRun {
  matured: number
  maturedFen: number
  deferred: number
}

/**
 * The maturing timer: every pending entry whose `checkAfter` has come is matured when its order
 * is completed and its cooling-off has passed (entry, order re-read and seller counters in one
 * transaction per seller, so it happens once however often or concurrently the timer runs),
 * else looked at next when it could first be due. Batches until nothing is due or the time budget is spent.
 */
export async function matureDueCommissions(): Promise<MaturingRun> {
  const _ = db().command
  const started = Date.now()
  const run: MaturingRun = { matured: 0, maturedFen: 0, deferred: 0 }
  while (Date.now() - started < MATURE_BUDGET_MS) {
    const now = Date.now()
    const { data } = await db().collection(COMMISSIONS).where({ status: 'pending', checkAfter: _.lte(new Date(now)) }).orderBy('checkAfter', 'asc').limit(MATURE_BATCH).get()
    const due = data as CommissionDoc[]
    if (due.length === 0) break
    const orderIds = [...new Set(due.map((e) => e.orderId))]
    const { data: orders } = await db().collection('orders').where({ _id: _.in(orderIds) }).field({ _id: true, status: true, completedAt: true }).limit(MATURE_BATCH).get()
    const orderById = new Map((orders as OrderProgressDoc[]).map((o) => [o._id, o]))
    const bySeller = new Map<string, CommissionDoc[]>()
    for (const entry of due) {
      const decision = decideMaturity(progressOf(orderById.get(entry.orderId)), entry.coolingOffDays, now)
      if (decision.mature) {
        bySeller.set(entry.sellerId, [...(bySeller.get(entry.sellerId) ?? []), entry])
      } else {
        await db().collection(COMMISSIONS).where({ _id: entry._id, status: 'pending' }).update({ checkAfter: new Date(decision.checkAfter) })
        run.deferred++
      }
    }
    for (const [sellerId, entries] of bySeller) {
      for (let i = 0; i < entries.length; i += MATURE_PER_TRANSACTION) {
        const { count, fen } = await matureEntries(sellerId, entries.slice(i, i + MATURE_PER_TRANSACTION).map((e) => e._id))
        run.matured += count
        run.maturedFen += fen
      }
    }
    if (due.length < MATURE_BATCH) break
  }
  return run
}

/** One seller's due entries become withdrawable in one transaction, each re-checked on fresh data (its status and its order's); one no longer due is deferred. */
async function matureEntries(sellerId: string, entryIds: string[]): Promise<{ count: number; fen: number }> {
  return inTransaction(async (t) => {
    const now = Date.now()
    const maturedAt = new Date(now)
    let count = 0
    let fen = 0
    let move: CommissionAccount = { ...EMPTY_ACCOUNT }
    for (const id of entryIds) {
      const entry = docOf<CommissionDoc>(await t.collection(COMMISSIONS).doc(id).get())
      if (!entry || entry.status !== 'pending') continue
      const order = docOf<OrderProgressDoc>(await t.collection('orders').doc(entry.orderId).get())
      const decision = decideMaturity(progressOf(order), entry.coolingOffDays, now)
      if (!decision.mature) {
        // the order changed since the batch read it (e.g. a refund was requested): look again later, not in this run
        await t.collection(COMMISSIONS).doc(id).update({ checkAfter: new Date(decision.checkAfter) })
        continue
      }
      assertCommissionTransition(entry.status, 'withdrawable')
      await t.collection(COMMISSIONS).doc(id).update({ status: 'withdrawable', maturedAt, checkAfter: null })
      count++
      fen += entry.amountFen - (entry.reversedFen ?? 0)
      move = applyMoves(move, leavePending(entry, entry.reversedFen ?? 0))
    }
    if (count > 0) await t.collection('sellers').doc(sellerId).update(accountIncrements(db(), move))
    return { count, fen }
  })
}

// ---------------------------------------------------------------------------------------------
// Who may see what

/**
 * The seller whose ledger a call may see: the caller's own seller record (by the openid from
 * the context; naming another seller is FORBIDDEN), or for an owner the seller named (NOT_FOUND
 * if none) or their own. Anyone else is FORBIDDEN.
 */
export async function ledgerSeller(caller: Caller, requestedSellerId?: string): Promise<SellerWithAccount> {
  if (isOwner(caller) && requestedSellerId !== undefined) {
    const seller = await sellerById(requestedSellerId)
    if (!seller) throw new DomainError('NOT_FOUND', `no seller ${requestedSellerId}`)
    return seller
  }
  const own = caller.openid ? await sellerByOpenid(caller.openid) : undefined
  if (!own) throw new DomainError(isOwner(caller) ? 'NOT_FOUND' : 'FORBIDDEN', isOwner(caller) ? 'name the seller to look at' : 'only a seller has commissions')
  if (requestedSellerId !== undefined && requestedSellerId !== own._id) throw new DomainError('FORBIDDEN', 'a seller sees only their own commissions')
  return own
}

/** Whose withdrawal requests a call may list: a seller's own; an owner's of one seller, or of everyone. */
export async function withdrawalScope(caller: Caller, requestedSellerId?: string): Promise<{ sellerId?: string }> {
  if (isOwner(caller) && requestedSellerId === undefined) return {}
  return { sellerId: (await ledgerSeller(caller, requestedSellerId))._id }
}

// ---------------------------------------------------------------------------------------------
// Views

export async function commissionSummary(seller: SellerWithAccount): Promise<CommissionSummary> {
  const { commission: terms } = await readStoreSettings(db())
  const account = await sellerAccount(seller)
  return { sellerId: seller._id, sellerName: seller.name, ...account, withdrawableFen: withdrawableOf(account), terms: { rateBps: terms.rateBps, coolingOffDays: terms.coolingOffDays } }
}

function entryView(doc: CommissionDoc): CommissionEntryView {
  const view: CommissionEntryView = {
    entryId: doc._id,
    orderId: doc.orderId,
    status: doc.status,
    baseFen: doc.baseFen,
    rateBps: doc.rateBps,
    amountFen: doc.amountFen,
    reversedFen: doc.reversedFen ?? 0,
    remainingFen: doc.amountFen - (doc.reversedFen ?? 0),
    coolingOffDays: doc.coolingOffDays,
    creditedAt: iso(doc.creditedAt),
    refunds: (doc.refunds ?? []).map((r) => ({ refundId: r.refundId, goodsFen: r.goodsFen, reversedFen: r.reversedFen, from: r.from, at: iso(r.at) })),
  }
  if (doc.maturedAt) view.maturedAt = iso(doc.maturedAt)
  return view
}

export function withdrawalView(doc: WithdrawalDoc): WithdrawalView {
  const view: WithdrawalView = { withdrawalId: doc._id, sellerId: doc.sellerId, amountFen: doc.amountFen, status: doc.status, requestedAt: iso(doc.requestedAt) }
  if (doc.paidAt) view.paidAt = iso(doc.paidAt)
  if (doc.rejectedAt) view.rejectedAt = iso(doc.rejectedAt)
  if (doc.reference !== undefined) view.reference = doc.reference
  if (doc.reason !== undefined) view.reason = doc.reason
  return view
}

export const MAX_PAGE_SIZE = 50
const DEFAULT_PAGE_SIZE = 20

/** Where a page stopped: the list, the last row's time (epoch ms) and id. */
type Cursor = [list: string, at: number, id: string]

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url')
}

function decodeCursor(text: string, list: string): Cursor {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    parsed = undefined
  }
  if (Array.isArray(parsed) && parsed.length === 3 && parsed[0] === list && Number.isSafeInteger(parsed[1]) && typeof parsed[2] === 'string') return parsed as Cursor
  throw new DomainError('INVALID_INPUT', 'the cursor is not one this list gave')
}

/**
 * One page of `collection` matching the equality filter `base`, newest `timeField` first, ties by
 * `_id` ascending. Each query is an equality prefix plus one range on an index ending in
 * `<timeField> -1, _id 1`; after a cursor (k, id) the rest is `time == k, _id > id`, then `time < k`.
 */
async function pageByTime<T extends { _id: string }>(
  collection: string,
  list: string,
  timeField: string,
  base: Record<string, unknown>,
  request: { cursor?: string; pageSize?: number },
): Promise<{ docs: T[]; nextCursor: string | null }> {
  const _ = db().command
  const pageSize = Math.min(request.pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
  const want = pageSize + 1 // one more tells whether there is a next page
  const query = (filter: Record<string, unknown>) => db().collection(collection).where(filter)
  let docs: T[]
  if (request.cursor === undefined) {
    docs = (await query(base).orderBy(timeField, 'desc').orderBy('_id', 'asc').limit(want).get()).data as T[]
  } else {
    const [, at, id] = decodeCursor(request.cursor, list)
    docs = (await query({ ...base, [timeField]: new Date(at), _id: _.gt(id) }).orderBy('_id', 'asc').limit(want).get()).data as T[]
    if (docs.length < want) {
      const older = await query({ ...base, [timeField]: _.lt(new Date(at)) }).orderBy(timeField, 'desc').orderBy('_id', 'asc').limit(want - docs.length).get()
      docs = docs.concat(older.data as T[])
    }
  }
  const page = docs.slice(0, pageSize)
  const last = page[page.length - 1] as (T & Record<string, unknown>) | undefined
  const nextCursor = docs.length > pageSize && last ? encodeCursor([list, new Date(last[timeField] as Date).getTime(), last._id]) : null
  return { docs: page, nextCursor }
}

/** A seller's ledger entries, newest credit first, optionally of one status. */
export async function listEntries(sellerId: string, request: { status?: CommissionStatus; cursor?: string; pageSize?: number }): Promise<{ entries: CommissionEntryView[]; nextCursor: string | null }> {
  const base: Record<string, unknown> = { sellerId }
  if (request.status !== undefined) base.status = request.status
  const { docs, nextCursor } = await pageByTime<CommissionDoc>(COMMISSIONS, 'entries', 'creditedAt', base, request)
  return { entries: docs.map(entryView), nextCursor }
}

/** Withdrawal requests of one seller or of everyone, newest first, optionally of one status. */
export async function listWithdrawals(
  scope: { sellerId?: string },
  request: { status?: WithdrawalStatus; cursor?: string; pageSize?: number },
): Promise<{ withdrawals: WithdrawalView[]; nextCursor: string | null }> {
  const base: Record<string, unknown> = {}
  if (scope.sellerId !== undefined) base.sellerId = scope.sellerId
  if (request.status !== undefined) base.status = request.status
  const { docs, nextCursor } = await pageByTime<WithdrawalDoc>(WITHDRAWALS, 'withdrawals', 'requestedAt', base, request)
  return { withdrawals: docs.map(withdrawalView), nextCursor }
}

// ---------------------------------------------------------------------------------------------
// Withdrawals

/**
 * A seller asks for `amountFen` of their balance, once per client `requestId`: in one
 * transaction the request is created and the amount moves from the balance to requested, if the
 * balance (read in the same transaction) covers it and is not negative, else INSUFFICIENT_BALANCE.
 * Concurrent requests cannot both spend the same balance: the later one conflicts, reruns, and
 * sees what is left. A retry answers the request already made.
 */
export async function requestWithdrawal(seller: SellerDoc, requestId: string, amountFen: number): Promise<WithdrawalDoc> {
  const id = withdrawalIdFor(seller._id, requestId)
  try {
    return await requestWithdrawalOnce(seller, id, requestId, amountFen)
  } catch (err) {
    // A concurrent retry of this very request may have committed between this transaction's read
    // of the request (none yet) and its read of the balance (already moved): answer that request.
    if (err instanceof DomainError && err.code === 'INSUFFICIENT_BALANCE') {
      const made = docOf<WithdrawalDoc>(await db().collection(WITHDRAWALS).doc(id).get())
      if (made && made.amountFen === amountFen) return made
    }
    throw err
  }
}

async function requestWithdrawalOnce(seller: SellerDoc, id: string, requestId: string, amountFen: number): Promise<WithdrawalDoc> {
  return inTransaction(async (t) => {
    const existing = docOf<WithdrawalDoc>(await t.collection(WITHDRAWALS).doc(id).get())
    if (existing) {
      if (existing.amountFen !== amountFen) throw new DomainError('INVALID_INPUT', 'this requestId already asked for another amount')
      return existing
    }
    const current = docOf<SellerWithAccount>(await t.collection('sellers').doc(seller._id).get())
    const account = accountFrom(current?.[ACCOUNT_PATH])
    const refusal = withdrawalRefusal(account, amountFen)
    if (refusal) {
      const message = refusal === 'negativeBalance' ? 'the balance is negative: a refund took back commission already withdrawn' : 'the amount is more than the balance'
      throw new DomainError('INSUFFICIENT_BALANCE', message, { balanceFen: account.balanceFen, withdrawableFen: withdrawableOf(account) })
    }
    const doc: WithdrawalDoc = { _id: id, sellerId: seller._id, requestId, amountFen, status: 'requested', requestedAt: new Date() }
    await t.collection(WITHDRAWALS).add(doc)
    await t.collection('sellers').doc(seller._id).update(accountIncrements(db(), accountMoves.request(amountFen)))
    return doc
  })
}

/**
 * The owner's decision on a request: `paid` (paid outside the app: requested -> withdrawn) or
 * `rejected` (requested -> back to the balance), through the transition table, with the
 * seller's counters in the same transaction. Repeating the decision already made answers the
 * request unchanged; the other decision is INVALID_TRANSITION; concurrent decisions apply once.
 */
export async function decideWithdrawal(withdrawalId: string, to: 'paid' | 'rejected', ownerOpenid: string, note?: string): Promise<WithdrawalDoc> {
  return inTransaction(async (t) => {
    const request = docOf<WithdrawalDoc>(await t.collection(WITHDRAWALS).doc(withdrawalId).get())
    if (!request) throw new DomainError('NOT_FOUND', `no withdrawal request ${withdrawalId}`)
    if (request.status === to) return request
    if (!canWithdrawalTransition(request.status, to)) throw new DomainError('INVALID_TRANSITION', `a ${request.status} withdrawal cannot become ${to}`)
    assertWithdrawalTransition(request.status, to)
    const at = new Date()
    const change: Partial<WithdrawalDoc> = to === 'paid' ? { status: to, paidAt: at, decidedBy: ownerOpenid } : { status: to, rejectedAt: at, decidedBy: ownerOpenid }
    if (note !== undefined) change[to === 'paid' ? 'reference' : 'reason'] = note
    await t.collection(WITHDRAWALS).doc(withdrawalId).update(change)
    const move = to === 'paid' ? accountMoves.pay(request.amountFen) : accountMoves.reject(request.amountFen)
    await t.collection('sellers').doc(request.sellerId).update(accountIncrements(db(), move))
    return { ...request, ...change }
  })
}
