/**
 * Subscribe messages to the buyer for paid, shipped and refunded orders. The mini program asks
 * for consent (wx.requestSubscribeMessage) and reports the accepted templates; each accept of a
 * one-time template allows one message (`subscriptions/<openid>.credits.<kind>`). Templates come
 * from the functions' environment (SUBSCRIBE_TEMPLATE_PAID / _SHIPPED / _REFUNDED); an unset one
 * is skipped. Sending never fails the business change that caused it.
 */
import { cloudApp } from './cloud'
import { isDuplicateWrite } from './db-errors'
import type { OrderDoc } from './orders'
import { wechatOpenApi } from './wechat-open-api'
import type { SubscribeKind } from '../typings/orders'

type Db = ReturnType<ReturnType<typeof cloudApp>['database']>

export const SUBSCRIBE_KINDS: readonly SubscribeKind[] = ['paid', 'shipped', 'refunded']
const ENV: Record<SubscribeKind, string> = { paid: 'SUBSCRIBE_TEMPLATE_PAID', shipped: 'SUBSCRIBE_TEMPLATE_SHIPPED', refunded: 'SUBSCRIBE_TEMPLATE_REFUNDED' }
/** The page a message opens. */
export const ORDER_PAGE = 'pages/orders/detail/index'

/** The configured template id of each kind (unset kinds are absent). */
export function subscribeTemplates(): Partial<Record<SubscribeKind, string>> {
  const out: Partial<Record<SubscribeKind, string>> = {}
  for (const kind of SUBSCRIBE_KINDS) {
    const id = process.env[ENV[kind]]?.trim()
    if (id) out[kind] = id
  }
  return out
}

/** Records the buyer's accepts: one credit per accepted, configured template (ids of other templates are ignored). */
export async function acceptTemplates(db: Db, openid: string, templateIds: readonly string[]): Promise<Partial<Record<SubscribeKind, number>>> {
  const _ = db.command
  const byId = new Map(Object.entries(subscribeTemplates()).map(([kind, id]) => [id, kind as SubscribeKind]))
  const inc: Record<string, unknown> = {}
  const counts: Partial<Record<SubscribeKind, number>> = {}
  for (const id of templateIds) {
    const kind = byId.get(id)
    if (kind) counts[kind] = (counts[kind] ?? 0) + 1
  }
  for (const [kind, n] of Object.entries(counts)) inc[`credits.${kind}`] = _.inc(n)
  const subscriptions = db.collection('subscriptions')
  if (Object.keys(inc).length > 0) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const { updated } = (await subscriptions.doc(openid).update({ ...inc, updatedAt: new Date() })) as { updated?: number }
      if (updated) break
      try {
        await subscriptions.add({ _id: openid, credits: counts, updatedAt: new Date() })
        break
      } catch (err) {
        if (!isDuplicateWrite(err)) throw err // created meanwhile: increment it
      }
    }
  }
  const { data } = await subscriptions.doc(openid).get()
  return ((data as Array<{ credits?: Partial<Record<SubscribeKind, number>> }>)[0]?.credits ?? {}) as Partial<Record<SubscribeKind, number>>
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`
const thing = (text: string) => (text.length > 20 ? `${text.slice(0, 19)}…` : text) || '-'
const chinaTime = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 16)

/**
 * The message data of each kind: the template the owner picks must have these keywords
 * (公共模板库: 订单号 character_string1, then as below).
 */
function messageData(kind: SubscribeKind, order: OrderDoc, detail: { amountFen?: number; carrier?: string; trackingNo?: string; at: Date }): Record<string, { value: string }> {
  const goods = thing(order.lines.map((l) => l.name).join('、'))
  switch (kind) {
    case 'paid':
      return { character_string1: { value: order._id }, amount2: { value: yuan(order.totalFen) }, thing3: { value: goods }, time4: { value: chinaTime(detail.at) } }
    case 'shipped':
      return { character_string1: { value: order._id }, thing2: { value: thing(detail.carrier ?? '') }, character_string3: { value: detail.trackingNo ?? '' }, thing4: { value: goods } }
    case 'refunded':
      return { character_string1: { value: order._id }, amount2: { value: yuan(detail.amountFen ?? 0) }, thing3: { value: goods }, time4: { value: chinaTime(detail.at) } }
  }
}

export type NoticeOutcome = 'sent' | 'unconfigured' | 'no-consent' | 'duplicate' | 'failed'

/**
 * Sends the buyer one message of `kind` about `order` if they consented: a credit is taken by a
 * conditional update (none left: nothing is sent), the order records the notice under `key` so a
 * retried business step never sends it twice, then WeChat is asked. A send WeChat refuses gives
 * the credit back. Never throws: a message is never worth failing the business change.
 */
export async function notifyBuyer(db: Db, order: OrderDoc, kind: SubscribeKind, detail: { key?: string; amountFen?: number; carrier?: string; trackingNo?: string; at?: Date } = {}): Promise<NoticeOutcome> {
  const templateId = subscribeTemplates()[kind]
  if (!templateId) return 'unconfigured'
  const _ = db.command
  const credit = `credits.${kind}`
  const giveBack = () => db.collection('subscriptions').doc(order._openid).update({ [credit]: _.inc(1) })
  try {
    const taken = await db.collection('subscriptions').where({ _id: order._openid, [credit]: _.gt(0) }).update({ [credit]: _.inc(-1) })
    if (taken.updated !== 1) return 'no-consent'
    const key = `notices.${detail.key ?? kind}`
    const at = detail.at ?? new Date()
    const marked = await db.collection('orders').where({ _id: order._id, [key]: _.exists(false) }).update({ [key]: at })
    if (marked.updated !== 1) {
      await giveBack()
      return 'duplicate'
    }
    try {
      await wechatOpenApi().sendSubscribeMessage({ touser: order._openid, templateId, page: `${ORDER_PAGE}?id=${order._id}`, data: messageData(kind, order, { ...detail, at }) })
      return 'sent'
    } catch (err) {
      console.warn(`subscribe message ${kind} for ${order._id} failed: ${String((err as Error)?.message ?? err)}`)
      await giveBack()
      return 'failed'
    }
  } catch (err) {
    console.warn(`subscribe message ${kind} for ${order._id} not sent`, err)
    return 'failed'
  }
}
