/**
 * Referral data access: share codes, sellers, settings and share opens, loaded into the
 * snapshots domain/referral decides on, then written back. The rules live in domain/referral.
 */
import { randomBytes } from 'node:crypto'
import { cloudApp } from './cloud'
import { isDuplicateWrite } from './db-errors'
import { DomainError } from './handler'
import { readCustomer, type CustomerDoc } from './customers'
import { readReferralSettings, updateReferralSettings } from './settings'
import {
  creditTargetOf,
  decideBinding,
  generateShortCode,
  type BindingDecision,
  type BindingRule,
  type SharerSnapshot,
} from '../domain/referral'
import { buildFunnel } from '../domain/referral/funnel'
import { dayNumber, dayString, storeDayStart } from '../domain/value'
import type { NoBindingReason, SellerStatus, SellerView, ShareChannel, ShareEventChannel, CountedFunnel } from '../typings/referral'

export interface SellerDoc {
  _id: string
  openid: string
  shortCode: string
  status: SellerStatus
  name: string
  createdAt: Date
  approvedAt?: Date
  /** How the seller came to be: applied (and approved), or enrolled by sharing under "everyone may share". */
  enrolledBy?: 'application' | 'everyoneMayShare'
}

interface ShareCodeDoc {
  _id: string
  openid: string
  createdAt: Date
  /** Poster codes already drawn for this sharer, by product id (`_home` for the store). */
  posters?: Record<string, string>
}

export interface ShareOpenDoc {
  _id: string
  code: string
  sharerOpenid: string
  /** The opener; absent in Moments single-page mode. */
  openid?: string
  sceneValue: number
  channel: ShareChannel
  groupId?: string
  productId?: string
  /** The seller the share credits (one level), whether or not this open bound anyone. */
  creditedSellerId?: string
  bound: boolean
  reason?: NoBindingReason
  openedAt: Date
}

const db = () => cloudApp().database()
const time = (d: Date | string | number | undefined) => (d === undefined ? undefined : new Date(d).getTime())

/** A seller's id follows from their share code, so enrolling twice writes the same document. */
export function sellerIdFor(code: string): string {
  return `s_${code}`
}

function secureRandom(): number {
  return randomBytes(4).readUInt32BE(0) / 2 ** 32
}

/** The binding rule in force (one implementation: backend/settings.ts). */
export async function readSettings(): Promise<BindingRule> {
  return readReferralSettings(db())
}

/** The owner's partial change of the binding rule (one implementation: backend/settings.ts). */
export async function writeSettings(change: Partial<BindingRule>, byOpenid: string): Promise<BindingRule> {
  return updateReferralSettings(db(), change, byOpenid)
}

export async function codeOwner(code: string): Promise<ShareCodeDoc | undefined> {
  const { data } = await db().collection('shareCodes').doc(code).get()
  return (data as ShareCodeDoc[])[0]
}

export async function codeOf(openid: string): Promise<ShareCodeDoc | undefined> {
  const { data } = await db().collection('shareCodes').where({ openid }).limit(1).get()
  return (data as ShareCodeDoc[])[0]
}

/** The caller's share code, made on first need; one per openid even under concurrent calls. */
export async function ensureShareCode(openid: string): Promise<ShareCodeDoc> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await codeOf(openid)
    if (existing) return existing
    const doc: ShareCodeDoc = { _id: generateShortCode(secureRandom), openid, createdAt: new Date() }
    try {
      await db().collection('shareCodes').add(doc)
      return doc
    } catch (err) {
      // a taken code, or this openid got one meanwhile (unique index): look again
      if (!isDuplicateWrite(err)) throw err
    }
  }
  throw new Error(`could not allocate a share code for ${openid}`)
}

export async function rememberPoster(code: string, key: string, fileID: string): Promise<void> {
  await db().collection('shareCodes').doc(code).update({ [`posters.${key}`]: fileID })
}

export async function sellerByOpenid(openid: string): Promise<SellerDoc | undefined> {
  const { data } = await db().collection('sellers').where({ openid }).limit(1).get()
  return (data as SellerDoc[])[0]
}

export async function sellerById(sellerId: string): Promise<SellerDoc | undefined> {
  const { data } = await db().collection('sellers').doc(sellerId).get()
  return (data as SellerDoc[])[0]
}

export function sellerView(doc: SellerDoc): SellerView {
  const view: SellerView = {
    sellerId: doc._id,
    openid: doc.openid,
    name: doc.name,
    status: doc.status,
    shortCode: doc.shortCode,
    createdAt: new Date(doc.createdAt).toISOString(),
  }
  if (doc.approvedAt) view.approvedAt = new Date(doc.approvedAt).toISOString()
  return view
}

/** Creates the seller document, or returns the one that already exists for this id. */
export async function createSeller(doc: SellerDoc): Promise<SellerDoc> {
  try {
    await db().collection('sellers').add(doc)
    return doc
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
    const existing = (await sellerById(doc._id)) ?? (await sellerByOpenid(doc.openid))
    if (!existing) throw err
    return existing
  }
}

export async function approveSeller(sellerId: string): Promise<SellerDoc> {
  const seller = await sellerById(sellerId)
  if (!seller) throw new DomainError('NOT_FOUND', `no seller ${sellerId}`)
  if (seller.status === 'active') return seller
  const approvedAt = new Date()
  await db().collection('sellers').doc(sellerId).update({ status: 'active', approvedAt })
  return { ...seller, status: 'active', approvedAt }
}

export async function listSellers(status: SellerStatus | undefined): Promise<SellerDoc[]> {
  const collection = db().collection('sellers')
  const query = status ? collection.where({ status }) : collection
  const { data } = await query.orderBy('createdAt', 'desc').limit(100).get()
  return data as SellerDoc[]
}

/** What the sharer behind a code looks like to the binding rule. */
async function sharerSnapshot(code: string, sharerOpenid: string): Promise<SharerSnapshot> {
  const [seller, sharerAsCustomer] = await Promise.all([sellerByOpenid(sharerOpenid), readCustomer(sharerOpenid)])
  const snapshot: SharerSnapshot = { openid: sharerOpenid, enrolmentSellerId: sellerIdFor(code) }
  if (seller) snapshot.seller = { sellerId: seller._id, status: seller.status }
  if (sharerAsCustomer?.sellerId) {
    const boundSeller = await sellerById(sharerAsCustomer.sellerId)
    if (boundSeller) snapshot.boundSeller = { sellerId: boundSeller._id, openid: boundSeller.openid }
  }
  return snapshot
}

export interface OpenRequest {
  openKey: string
  code: string
  sceneValue: number
  channel: ShareChannel
  groupId?: string
  productId?: string
}

export type OpenOutcome = Pick<ShareOpenDoc, '_id' | 'channel' | 'bound' | 'reason' | 'creditedSellerId'> & { sellerId?: string }

function outcomeOf(doc: ShareOpenDoc, sellerId?: string): OpenOutcome {
  return { _id: doc._id, channel: doc.channel, bound: doc.bound, reason: doc.reason, creditedSellerId: doc.creditedSellerId, sellerId }
}

/**
 * Records one open of a share and binds the opener by the store's rule, once per open key:
 * the open record, the customer's binding and a seller enrolled by sharing are written in one
 * transaction, so a retry (or a concurrent duplicate) finds the record and changes nothing.
 */
export async function recordShareOpen(openerOpenid: string | undefined, request: OpenRequest): Promise<OpenOutcome | undefined> {
  const openId = `${openerOpenid ?? 'anonymous'}:${request.openKey}`
  const previous = await db().collection('shareOpens').doc(openId).get()
  const recorded = (previous.data as ShareOpenDoc[])[0]
  if (recorded) return outcomeOf(recorded, await boundSellerOf(openerOpenid))

  const code = await codeOwner(request.code)
  if (!code) return undefined
  const [rule, sharer, ownSeller] = await Promise.all([
    readSettings(),
    sharerSnapshot(request.code, code.openid),
    openerOpenid ? sellerByOpenid(openerOpenid) : Promise.resolve(undefined),
  ])
  // the target seller's own binding, for the A<->B loop check
  const target = creditTargetOf(sharer, rule.sharePolicy)
  const targetAsCustomer = target ? await readCustomer(target.openid) : undefined

  for (let attempt = 0; ; attempt++) {
    try {
      const result: OpenOutcome | { replayOf: ShareOpenDoc } = await db().runTransaction(async (tx: any) => {
        const again = (await tx.collection('shareOpens').doc(openId).get()).data as ShareOpenDoc | ShareOpenDoc[] | null
        const existing = Array.isArray(again) ? again[0] : again
        if (existing) return { replayOf: existing }
        const customerRead = openerOpenid ? (await tx.collection('customers').doc(openerOpenid).get()).data : undefined
        const customer = (Array.isArray(customerRead) ? customerRead[0] : customerRead) as CustomerDoc | null | undefined
        const now = Date.now()
        const decision: BindingDecision = decideBinding({
          customer: openerOpenid
            ? {
                openid: openerOpenid,
                ownSellerId: ownSeller?._id,
                binding: customer?.sellerId ? { sellerId: customer.sellerId, boundAt: time(customer.boundAt) ?? 0, windowFrom: time(customer.windowFrom) } : undefined,
              }
            : undefined,
          sharer,
          targetBoundToSellerId: targetAsCustomer?.sellerId,
          rule,
          now,
        })
        const doc: ShareOpenDoc = {
          _id: openId,
          code: request.code,
          sharerOpenid: code.openid,
          sceneValue: request.sceneValue,
          channel: request.channel,
          bound: decision.bind,
          openedAt: new Date(now),
        }
        if (openerOpenid) doc.openid = openerOpenid
        if (request.groupId) doc.groupId = request.groupId
        if (request.productId) doc.productId = request.productId
        // a sharer enrolled by sharing is a seller only once an open binds someone to them
        if (decision.target && (decision.bind || !decision.target.enrolsSharer)) doc.creditedSellerId = decision.target.sellerId
        if (!decision.bind) doc.reason = decision.reason
        await tx.collection('shareOpens').add(doc)
        if (decision.bind && openerOpenid) {
          const target = decision.target
          if (target.enrolsSharer) {
            const enrolled = (await tx.collection('sellers').doc(target.sellerId).get()).data
            if (!(Array.isArray(enrolled) ? enrolled[0] : enrolled)) {
              const sharerProfile = await readCustomer(target.openid)
              const seller: SellerDoc = {
                _id: target.sellerId,
                openid: target.openid,
                shortCode: request.code,
                status: 'active',
                name: sharerProfile?.nickname ?? `Sharer ${request.code}`,
                createdAt: new Date(now),
                enrolledBy: 'everyoneMayShare',
              }
              await tx.collection('sellers').add(seller)
            }
          }
          const binding: Partial<CustomerDoc> = {
            sellerId: target.sellerId,
            boundAt: new Date(now),
            windowFrom: new Date(now),
            bindingSource: request.groupId
              ? { code: request.code, scene: request.sceneValue, groupId: request.groupId }
              : { code: request.code, scene: request.sceneValue },
          }
          if (customer) await tx.collection('customers').doc(openerOpenid).update(binding)
          else await tx.collection('customers').add({ _id: openerOpenid, ...binding, createdAt: new Date(now) })
        }
        // the bound seller's own touch after a lapsed window protects the customer again from now (not a new binding)
        if (!decision.bind && decision.renewsWindow && openerOpenid && customer) await tx.collection('customers').doc(openerOpenid).update({ windowFrom: new Date(now) })
        return outcomeOf(doc, decision.bind ? decision.target.sellerId : customer?.sellerId)
      })
      // a concurrent duplicate committed first: answer as a retry does, from committed data
      return 'replayOf' in result ? outcomeOf(result.replayOf, await boundSellerOf(openerOpenid)) : result
    } catch (err) {
      // a concurrent open of the same customer or key: the transaction lost, decide again on fresh data
      if (attempt >= 3 || err instanceof DomainError) throw err
    }
  }
}

async function boundSellerOf(openid: string | undefined): Promise<string | undefined> {
  return openid ? (await readCustomer(openid))?.sellerId : undefined
}

/** One share made (`shareEvents`): a share card or poster code asked for by a sharer. */
export interface ShareEventDoc {
  _id?: string
  sharerOpenid: string
  code: string
  /** The seller the share credits by the rule at the time (one level), if anyone. */
  sellerId?: string
  channel: ShareEventChannel
  productId?: string
  at: Date
}

/**
 * Records that `openid` made a share (a card or a poster code), with the seller it credits by
 * the binding rule now, for the shares funnel. Each call is one share made.
 */
export async function recordShareEvent(openid: string, code: string, channel: ShareEventChannel, productId?: string): Promise<void> {
  const [rule, sharer] = await Promise.all([readSettings(), sharerSnapshot(code, openid)])
  const target = creditTargetOf(sharer, rule.sharePolicy)
  const doc: ShareEventDoc = { sharerOpenid: openid, code, channel, at: new Date() }
  if (target) doc.sellerId = target.sellerId
  if (productId) doc.productId = productId
  await db().collection('shareEvents').add(doc)
}

/** Records one funnel answer reads per source (shares, opens, orders); beyond it the answer says `truncated`. */
export const FUNNEL_CAP = 5000
const FUNNEL_PAGE = 1000

/**
 * Reads a seller's records of one kind in [start, end) by its `<sellerField>, <timeField> -1`
 * index, oldest first (records written meanwhile land after the pages read, so none is read
 * twice), a page at a time up to FUNNEL_CAP; answers them and whether more were left.
 */
async function inPeriod<T>(collection: string, sellerField: string, sellerId: string, timeField: string, start: Date, end: Date, fields: Record<string, true>): Promise<{ rows: T[]; truncated: boolean }> {
  const _ = db().command
  const rows: T[] = []
  for (let skip = 0; skip < FUNNEL_CAP; skip += FUNNEL_PAGE) {
    const { data } = await db()
      .collection(collection)
      .where(_.and([{ [sellerField]: sellerId }, { [timeField]: _.gte(start) }, { [timeField]: _.lt(end) }]))
      .orderBy(timeField, 'asc')
      .skip(skip)
      .limit(Math.min(FUNNEL_PAGE, FUNNEL_CAP - skip))
      .field(fields)
      .get()
    rows.push(...(data as T[]))
    if ((data as unknown[]).length < FUNNEL_PAGE) return { rows, truncated: false }
  }
  return { rows, truncated: true }
}

/**
 * The shares funnel of a seller over the store days `from`..`to` (inclusive): shares credited
 * to them (shareEvents.sellerId), opens credited to them (shareOpens.creditedSellerId) with the
 * customers those opens bound, and the orders credited to them paid in the period (refunded
 * ones left out), grouped per product and per group (the group the buyer was bound through).
 */
export async function sharesFunnel(sellerId: string, from: string, to: string): Promise<CountedFunnel> {
  const _ = db().command
  const start = new Date(storeDayStart(from))
  const end = new Date(storeDayStart(dayString(dayNumber(to) + 1)))
  const [shares, opens, orders] = await Promise.all([
    inPeriod<ShareEventDoc>('shareEvents', 'sellerId', sellerId, 'at', start, end, { channel: true, productId: true }),
    inPeriod<ShareOpenDoc>('shareOpens', 'creditedSellerId', sellerId, 'openedAt', start, end, { channel: true, productId: true, groupId: true, bound: true }),
    inPeriod<{ _openid: string; status: string; totalFen: number; lines: Array<{ productId: string; amountFen: number }> }>('orders', 'sellerId', sellerId, 'paidAt', start, end, {
      _openid: true,
      status: true,
      totalFen: true,
      lines: true,
    }),
  ])
  const paid = orders.rows.filter((o) => o.status !== 'refunded')
  // the group each buyer was bound through, read by id in chunks
  const buyers = [...new Set(paid.map((o) => o._openid))]
  const groupOf = new Map<string, string>()
  for (let i = 0; i < buyers.length; i += 100) {
    const chunk = buyers.slice(i, i + 100)
    const { data } = await db().collection('customers').where({ _id: _.in(chunk) }).field({ bindingSource: true, sellerId: true }).limit(chunk.length).get()
    for (const c of data as Array<{ _id: string; sellerId?: string; bindingSource?: { groupId?: string } }>) {
      if (c.sellerId === sellerId && c.bindingSource?.groupId) groupOf.set(c._id, c.bindingSource.groupId)
    }
  }
  return buildFunnel(
    { sellerId, from, to, truncated: shares.truncated || opens.truncated || orders.truncated },
    shares.rows,
    opens.rows,
    paid.map((o) => {
      const groupId = groupOf.get(o._openid)
      return { totalFen: o.totalFen, lines: o.lines ?? [], ...(groupId ? { groupId } : {}) }
    }),
  )
}
