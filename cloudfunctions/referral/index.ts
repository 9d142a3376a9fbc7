/**
 * `referral`: share opens and binding, share cards, poster codes, sellers and the store's
 * referral settings. Identity only from the platform context; owners only from OWNER_OPENIDS.
 */
import { z } from 'zod'
import { cloudApp, type Caller } from '../../backend/cloud'
import { readCustomer } from '../../backend/customers'
import { action, defineFunction, DomainError } from '../../backend/handler'
import {
  approveSeller,
  codeOf,
  createSeller,
  ensureShareCode,
  listSellers,
  readSettings,
  recordShareOpen,
  recordShareEvent,
  rememberPoster,
  sellerById,
  sellerByOpenid,
  sellerIdFor,
  sellerView,
  sharesFunnel,
  writeSettings,
  type SellerDoc,
} from '../../backend/referral'
import { referralSettingsPatchSchema } from '../../backend/settings'
import { dayNumber, dayString, storeDayOf } from '../../domain/value'
import { isOwner, requireOwner } from '../../backend/roles'
import { wechatOpenApi } from '../../backend/wechat-open-api'
import { channelOfScene, decodeScene, encodeScene } from '../../domain/referral'
import type { ResponseOf } from '../../typings/api'
import type { CountedFunnel, SellerListItem, SharesFunnel } from '../../typings/referral'

/** Where a product card and a poster lead: the home page reads `ref`/`scene` and routes to the product. */
const HOME_PAGE = 'pages/home/index'
const PRODUCT_PAGE = 'pages/product/detail/index'
const STORE_TITLE = process.env.STORE_NAME || '小店'

const db = () => cloudApp().database()

/**
 * Sellers as the owner's list shows them, with the customers bound to each, counted on the
 * `sellerId_boundAt` index (one count() per seller, in parallel). Their orders and revenue are not
 * kept on the seller document (the paid transaction does not write it); `funnel` sums them.
 */
async function sellerListItems(sellers: ReadonlyArray<SellerDoc>): Promise<SellerListItem[]> {
  const counts = await Promise.all(sellers.map((s) => db().collection('customers').where({ sellerId: s._id }).count()))
  return sellers.map((s, i) => ({ ...sellerView(s), customers: counts[i].total }))
}

/** The funnel with each product's current name, read in one `_.in` query (null: the product is gone). */
async function withProductNames(funnel: CountedFunnel): Promise<SharesFunnel> {
  const ids = funnel.byProduct.map((p) => p.productId)
  const names = new Map<string, string>()
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100)
    const { data } = await db().collection('products').where({ _id: db().command.in(chunk) }).limit(chunk.length).field({ name: true }).get()
    for (const p of data as Array<{ _id: string; name: string }>) names.set(p._id, p.name)
  }
  return { ...funnel, byProduct: funnel.byProduct.map((p) => ({ ...p, name: names.get(p.productId) ?? null })) }
}

const shortCode = z.string().regex(/^[0-9A-Za-z]{4,16}$/)
/** Product ids as a scene can carry them (see domain/referral/codes.ts). */
const productId = z.string().regex(/^[0-9A-Za-z_-]{1,23}$/)
const openKey = z.string().regex(/^[0-9A-Za-z_-]{8,64}$/)
const sceneValue = z.number().int().min(1000).max(9999)
/** A group card's cloudID from `wx.getGroupEnterInfo`; only the platform resolves it to the group (groupOf). */
const groupCloudId = z.string().regex(/^[0-9A-Za-z_-]{1,512}$/)
const openGId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/)

/**
 * The group a card was opened in, from its cloudID through the platform (cloud.getOpenData), never
 * from the event: a cloudID that does not resolve (expired, forged) records the open without a group.
 */
async function groupOf(cloudId: string | undefined): Promise<string | undefined> {
  if (cloudId === undefined) return undefined
  try {
    const [entry] = await wechatOpenApi().getOpenData([cloudId])
    // wx.getGroupEnterInfo's open data names the group `opengid`; the older wx.getShareInfo's, `openGId`
    const data = entry?.data as { opengid?: unknown; openGId?: unknown } | undefined
    const parsed = openGId.safeParse(data?.opengid ?? data?.openGId)
    if (parsed.success) return parsed.data
    console.warn(`group cloudID did not resolve: ${entry?.errCode ?? ''} ${entry?.errMsg ?? ''}`)
  } catch (err) {
    console.warn('getOpenData failed; the open is recorded without its group', err)
  }
  return undefined
}

interface ProductDoc {
  _id: string
  name: string
  images?: string[]
  onSale?: boolean
}

async function productOnSale(id: string): Promise<ProductDoc> {
  const { data } = await cloudApp().database().collection('products').doc(id).get()
  const product = (data as ProductDoc[])[0]
  if (!product || product.onSale === false) throw new DomainError('NOT_FOUND', `no product ${id} on sale`)
  return product
}

const identified = (caller: Caller) => caller.openid as string

const DEFAULT_FUNNEL_DAYS = 30
const MAX_FUNNEL_DAYS = 92
/** A store day 'YYYY-MM-DD' that exists. */
const storeDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => {
  try {
    return dayString(dayNumber(d)) === d
  } catch {
    return false
  }
}, 'not a calendar day')

export const main = defineFunction('referral', {
  /** Records a share open once per open key and binds the opener by the store's rule (nobody without an openid). */
  recordOpen: action({
    schema: z
      .object({ openKey, sceneValue, ref: shortCode.optional(), scene: z.string().min(1).max(32).optional(), productId: productId.optional(), groupCloudId: groupCloudId.optional() })
      .strict()
      .refine((d) => (d.ref === undefined) !== (d.scene === undefined), 'give the sharer as exactly one of ref or scene'),
    run: async ({ data, caller }): Promise<ResponseOf<'referral', 'recordOpen'>> => {
      const fromScene = data.scene !== undefined ? decodeScene(data.scene) : undefined
      if (data.scene !== undefined && !fromScene) throw new DomainError('INVALID_INPUT', 'the scene does not name a share code')
      const code = (data.ref ?? fromScene?.code) as string
      const channel = channelOfScene(data.sceneValue)
      const outcome = await recordShareOpen(caller.openid, {
        openKey: data.openKey,
        code,
        sceneValue: data.sceneValue,
        channel,
        groupId: await groupOf(data.groupCloudId),
        productId: data.productId ?? fromScene?.productId,
      })
      if (!outcome) return { openId: '', channel, bound: false, reason: 'unknownCode' }
      const response: ResponseOf<'referral', 'recordOpen'> = { openId: outcome._id, channel: outcome.channel, bound: outcome.bound }
      if (outcome.sellerId) response.sellerId = outcome.sellerId
      if (outcome.reason) response.reason = outcome.reason
      return response
    },
  }),

  /** Share card data whose path carries the caller's own code (credit is decided when it is opened). */
  shareCard: action({
    schema: z.object({ productId: productId.optional(), channel: z.enum(['chat', 'group', 'moments']).optional() }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }): Promise<ResponseOf<'referral', 'shareCard'>> => {
      const product = data.productId ? await productOnSale(data.productId) : undefined
      const { _id: code } = await ensureShareCode(identified(caller))
      await recordShareEvent(identified(caller), code, data.channel ?? 'card', product?._id)
      if (!product) return { title: STORE_TITLE, path: `/${HOME_PAGE}?ref=${code}`, shortCode: code }
      const card: ResponseOf<'referral', 'shareCard'> = { title: product.name, path: `/${PRODUCT_PAGE}?id=${product._id}&ref=${code}`, shortCode: code }
      if (product.images?.[0]) card.imageUrl = product.images[0]
      return card
    },
  }),

  /** A poster's mini program code carrying the caller's code (and product) in its scene, drawn once and kept in storage. */
  posterCode: action({
    schema: z.object({ productId: productId.optional() }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }): Promise<ResponseOf<'referral', 'posterCode'>> => {
      if (data.productId) await productOnSale(data.productId)
      const shareCode = await ensureShareCode(identified(caller))
      await recordShareEvent(identified(caller), shareCode._id, 'code', data.productId)
      const scene = encodeScene(shareCode._id, data.productId)
      const key = data.productId ?? '_home'
      const cached = shareCode.posters?.[key]
      if (cached) return { fileID: cached, scene, page: HOME_PAGE }
      const png = await wechatOpenApi().getUnlimitedCode({ scene, page: HOME_PAGE })
      const { fileID } = await cloudApp().uploadFile({ cloudPath: `posters/${shareCode._id}/${key}.png`, fileContent: png })
      await rememberPoster(shareCode._id, key, fileID)
      return { fileID, scene, page: HOME_PAGE }
    },
  }),

  /** The seller the caller is bound to, and the caller's own share code if they have one. */
  myBinding: action({
    schema: z.object({}).strict(),
    needsIdentity: true,
    run: async ({ caller }): Promise<ResponseOf<'referral', 'myBinding'>> => {
      const openid = identified(caller)
      const [customer, code] = await Promise.all([readCustomer(openid), codeOf(openid)])
      const seller = customer?.sellerId ? await sellerById(customer.sellerId) : undefined
      const response: ResponseOf<'referral', 'myBinding'> = { binding: null }
      if (customer?.sellerId && seller && customer.boundAt && customer.bindingSource) {
        response.binding = { sellerId: seller._id, sellerName: seller.name, boundAt: new Date(customer.boundAt).toISOString(), source: customer.bindingSource }
      }
      if (code) response.shortCode = code._id
      return response
    },
  }),

  /** Asks to become a seller: active at once for an owner or under "everyone may share", else pending the owner. */
  'sellers.apply': action({
    schema: z.object({ name: z.string().trim().min(1).max(32).regex(/^[^\p{Cc}]+$/u) }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }) => {
      const openid = identified(caller)
      const existing = await sellerByOpenid(openid)
      if (existing) return { seller: sellerView(existing) }
      const [{ _id: code }, settings] = await Promise.all([ensureShareCode(openid), readSettings()])
      const activeAtOnce = isOwner(caller) || settings.sharePolicy === 'everyone'
      const now = new Date()
      const seller = await createSeller({
        _id: sellerIdFor(code),
        openid,
        shortCode: code,
        status: activeAtOnce ? 'active' : 'pending',
        name: data.name,
        createdAt: now,
        ...(activeAtOnce ? { approvedAt: now } : {}),
        enrolledBy: 'application',
      })
      return { seller: sellerView(seller) }
    },
  }),

  /** Owner only: makes a pending seller active (approving an active seller changes nothing). */
  'sellers.approve': action({
    schema: z.object({ sellerId: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/) }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }) => {
      requireOwner(caller)
      return { seller: sellerView(await approveSeller(data.sellerId)) }
    },
  }),

  /** Owner only: sellers, newest first, each with the customers bound to them. */
  'sellers.list': action({
    schema: z.object({ status: z.enum(['active', 'pending']).optional() }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }): Promise<ResponseOf<'referral', 'sellers.list'>> => {
      requireOwner(caller)
      return { sellers: await sellerListItems(await listSellers(data.status)) }
    },
  }),

  /** Owner only: the binding rule and share policy in force. */
  'settings.get': action({
    schema: z.object({}).strict(),
    needsIdentity: true,
    run: async ({ caller }) => {
      requireOwner(caller)
      return { settings: await readSettings() }
    },
  }),

  /** Owner only: changes the binding rule; opens from now on follow it, existing bindings stay. */
  'settings.update': action({
    schema: referralSettingsPatchSchema.refine((d) => Object.keys(d).length > 0, 'give at least one setting'),
    needsIdentity: true,
    run: async ({ data, caller }) => {
      const owner = requireOwner(caller)
      return { settings: await writeSettings(data, owner) }
    },
  }),

  /** A seller's shares funnel (their own; an owner names any seller) over store days, by default the last 30. */
  funnel: action({
    schema: z
      .object({ sellerId: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/).optional(), from: storeDay.optional(), to: storeDay.optional() })
      .strict(),
    needsIdentity: true,
    run: async ({ data, caller }): Promise<ResponseOf<'referral', 'funnel'>> => {
      let sellerId: string
      if (isOwner(caller)) {
        if (!data.sellerId) throw new DomainError('INVALID_INPUT', 'an owner names the seller (sellerId)')
        if (!(await sellerById(data.sellerId))) throw new DomainError('NOT_FOUND', `no seller ${data.sellerId}`)
        sellerId = data.sellerId
      } else {
        const seller = await sellerByOpenid(identified(caller))
        if (!seller || seller.status !== 'active') throw new DomainError('FORBIDDEN', 'only an active seller has a shares funnel')
        if (data.sellerId !== undefined && data.sellerId !== seller._id) throw new DomainError('FORBIDDEN', 'a seller sees only their own funnel')
        sellerId = seller._id
      }
      const to = data.to ?? storeDayOf(new Date())
      const from = data.from ?? dayString(dayNumber(to) - (DEFAULT_FUNNEL_DAYS - 1))
      const span = dayNumber(to) - dayNumber(from) + 1
      if (span < 1 || span > MAX_FUNNEL_DAYS) throw new DomainError('INVALID_INPUT', `the period runs from 'from' to 'to', 1 to ${MAX_FUNNEL_DAYS} days`)
      return { funnel: await withProductNames(await sharesFunnel(sellerId, from, to)) }
    },
  }),
})
