/**
 * Writes the demo store's history into database/seed/ (orders, customers, sellers, shareCodes,
 * shareOpens, shareEvents): a few months of paid orders and referrals for the demo shoppers,
 * generated deterministically (seeded random, every date relative to a fixed last day), so My
 * customers shows varied, meaningful scores on the first `npm start`. Customers' statistics,
 * scores and referral value are computed from the generated orders with the same domain code the
 * payment path and the refit use (a seller's attribution is the orders carrying their sellerId).
 *
 *   npx tsx scripts/demo-history.ts [--until YYYY-MM-DD]
 *
 * Dates are absolute (the seed loader has no "relative to now" for store days, which customers'
 * statistics are written in): the history ends on DEMO_LAST_DAY. Scores are stored as of that
 * day; a local cloud started later rescores them at its first timer tick (the refit's timer fits
 * at once when the store has no model), so the demo ages like a real store would.
 * `--until` moves the whole history to end on another day.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { DEFAULT_SHIPPING_RULE, quoteOrder, type PricedProduct, type PricedSku } from '../domain/order'
import { buildValueModel, dayNumber, dayString, referralValueOfReferrer, scoreCustomer, statsFromPurchases, storeDayOf } from '../domain/value'
import type { OrderLine, ShippingAddress } from '../typings/orders'
import type { CustomerStats } from '../typings/value'

export const DEMO_LAST_DAY = '2026-11-27'
const HISTORY_DAYS = 118
const SEED_DIR = path.resolve(__dirname, '../database/seed')
const DAY_MS = 86_400_000
const CST_MS = 8 * 3_600_000
/** Margin and discount of the store's default settings (backend/settings.ts). */
const SCORING = { margin: 0.3, annualDiscount: 0.15 }

const readSeed = <T>(name: string): T[] => JSON.parse(fs.readFileSync(path.join(SEED_DIR, `${name}.json`), 'utf8')) as T[]

/** The demo orders buy these SKUs (a product's first SKU carries the product's id), priced from the seed catalogue. */
const DEMO_SKU_IDS = ['p-longjing', 'p-pu-erh', 'p-walnut', 'p-jujube', 'p-soap']
export const DEMO_SKUS: PricedSku[] = readSeed<PricedSku>('skus')
  .filter((sku) => DEMO_SKU_IDS.includes(sku._id))
  .map((sku) => ({ ...sku, stock: 1e9 }))
export const DEMO_PRODUCTS: PricedProduct[] = readSeed<PricedProduct>('products').filter((p) => DEMO_SKUS.some((sku) => sku.productId === p._id))

/** mulberry32: a small seeded generator, so the history is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const LIN = { openid: 'o-demo-seller-lin', sellerId: 's_Lin8shop', code: 'Lin8shop' }
const ZHOU = { openid: 'o-demo-seller-zhou', sellerId: 's_Zhou5tea', code: 'Zhou5tea' }
const MEI_CODE = 'Mei4fwd0'
const GROUP = 'G-demo-tea-lovers'

type Habit = 'loyal' | 'regular' | 'occasional' | 'once' | 'lapsed' | 'newcomer' | 'browser'

interface Shopper {
  openid: string
  nickname: string
  /** Through which code, scene and group they were bound (none: not bound). */
  binding?: { code: string; scene: number; groupId?: string; productId?: string; dayOffset: number }
  habit: Habit
  /** Day offset (from the first history day) of the first visit, for unbound shoppers. */
  firstDayOffset?: number
}

const NICKNAMES = ['小雨', '阿杰', '晓梅', '大伟', '小芳', '老张', '静静', '阿明', '丽丽', '小军', '婷婷', '阿强', '小燕', '老李', '佳佳', '阿伟', '晶晶', '小龙', '娜娜', '阿飞', '小兰', '老王', '欣欣', '阿斌', '小红', '阿亮', '露露', '小峰', '慧慧', '阿坤', '小琳', '老陈', '菲菲', '阿超', '小雪', '阿涛']

function toIso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}
const date = (ms: number) => ({ $date: toIso(ms) })

export function generate(lastDay = DEMO_LAST_DAY) {
  const rand = seededRandom(20261127)
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]
  const lastDayNumber = dayNumber(lastDay)
  const firstDayNumber = lastDayNumber - HISTORY_DAYS
  /** An instant on a history day (offset from the first), between 09:00 and 22:59 store time. */
  const at = (dayOffset: number, hour = 9 + Math.floor(rand() * 14), minute = Math.floor(rand() * 60)) =>
    (firstDayNumber + dayOffset) * DAY_MS - CST_MS + hour * 3_600_000 + minute * 60_000

  // The README's demo shoppers keep their bindings; generated shoppers join them.
  const shoppers: Shopper[] = [
    { openid: 'o-demo-customer-mei', nickname: '美美', habit: 'loyal', binding: { code: LIN.code, scene: 1007, dayOffset: 2 } },
    { openid: 'o-demo-customer-hao', nickname: '浩子', habit: 'regular', binding: { code: MEI_CODE, scene: 1008, groupId: GROUP, dayOffset: 42 } },
    { openid: 'o-demo-customer-yun', nickname: '云朵', habit: 'lapsed', binding: { code: ZHOU.code, scene: 1047, dayOffset: 19 } },
    { openid: 'o-demo-customer-qing', nickname: '阿晴', habit: 'occasional', binding: { code: ZHOU.code, scene: 1007, dayOffset: 62 } },
    { openid: 'o-demo-customer-tian', nickname: '田田', habit: 'browser', firstDayOffset: 92 },
  ]
  const habits: Habit[] = ['loyal', 'regular', 'regular', 'occasional', 'occasional', 'occasional', 'once', 'once', 'lapsed', 'newcomer']
  for (let i = 0; i < NICKNAMES.length; i++) {
    const openid = `o-demo-shopper-${String(i + 1).padStart(2, '0')}`
    const habit = pick(habits)
    const roll = rand()
    const dayOffset = habit === 'newcomer' ? HISTORY_DAYS - 20 + Math.floor(rand() * 18) : Math.floor(rand() * (HISTORY_DAYS - 30))
    let binding: Shopper['binding']
    if (roll < 0.4) binding = { code: LIN.code, scene: pick([1007, 1007, 1008, 1047]), dayOffset }
    else if (roll < 0.5) binding = { code: MEI_CODE, scene: pick([1007, 1008]), dayOffset: Math.max(dayOffset, 42) }
    else if (roll < 0.82) binding = { code: ZHOU.code, scene: pick([1007, 1008, 1047, 1048]), dayOffset: Math.max(dayOffset, 14) }
    if (binding && binding.scene === 1008 && rand() < 0.6) binding.groupId = binding.code === ZHOU.code ? 'G-demo-zhou-snacks' : GROUP
    if (binding && rand() < 0.5) binding.productId = pick(DEMO_PRODUCTS)._id
    shoppers.push({ openid, nickname: NICKNAMES[i], habit, binding, ...(binding ? {} : { firstDayOffset: dayOffset }) })
  }

  const codeOwner: Record<string, { openid: string; sellerId: string }> = {
    [LIN.code]: LIN,
    [ZHOU.code]: ZHOU,
    [MEI_CODE]: { openid: 'o-demo-customer-mei', sellerId: LIN.sellerId }, // Mei forwards Lin's cards: the sale stays with Lin
  }

  const orders: Record<string, unknown>[] = []
  const shareOpens: Record<string, unknown>[] = []
  const shareEvents: Record<string, unknown>[] = []
  const purchases = new Map<string, Array<{ day: string; amountFen: number; paidAtMs: number }>>()
  const boundAt = new Map<string, number>()

  const ordersOf = (habit: Habit): number =>
    ({ loyal: 6 + Math.floor(rand() * 4), regular: 3 + Math.floor(rand() * 3), occasional: 2 + Math.floor(rand() * 2), once: 1, lapsed: 2 + Math.floor(rand() * 2), newcomer: 1 + Math.floor(rand() * 2), browser: 0 })[habit]

  let requestSeq = 0
  for (const shopper of shoppers) {
    const address = demoAddress(shopper.openid)
    const startOffset = shopper.binding ? shopper.binding.dayOffset : (shopper.firstDayOffset ?? 0)
    const boundAtMs = shopper.binding ? at(shopper.binding.dayOffset) : undefined
    if (boundAtMs !== undefined) boundAt.set(shopper.openid, boundAtMs)
    const sellerId = shopper.binding ? codeOwner[shopper.binding.code].sellerId : null
    const count = ordersOf(shopper.habit)
    // lapsed shoppers stop buying a third of the way in; the others spread over the rest of the history
    const endOffset = shopper.habit === 'lapsed' ? Math.min(HISTORY_DAYS, startOffset + 35) : HISTORY_DAYS
    const days = new Set<number>()
    for (let i = 0; i < count; i++) days.add(startOffset + 1 + Math.floor(rand() * Math.max(1, endOffset - startOffset - 1)))
    if (shopper.habit !== 'lapsed' && shopper.habit !== 'once' && count > 1) days.add(HISTORY_DAYS - Math.floor(rand() * 12)) // recently active
    const sortedDays = [...days].filter((d) => d <= HISTORY_DAYS).sort((a, b) => a - b)
    for (const day of sortedDays) {
      const lineCount = 1 + Math.floor(rand() * 2)
      const requested = Array.from({ length: lineCount }, () => ({ skuId: pick(DEMO_SKUS)._id, quantity: 1 + Math.floor(rand() * 2) }))
      const quote = quoteOrder(requested, DEMO_SKUS, DEMO_PRODUCTS, DEFAULT_SHIPPING_RULE, false)
      let createdMs = at(day)
      if (day === HISTORY_DAYS) createdMs = Math.min(createdMs, at(day, 9, 0)) // the last day's orders before it ends
      if (boundAtMs !== undefined && createdMs <= boundAtMs) createdMs = boundAtMs + 3_600_000
      const paidAtMs = createdMs + (1 + Math.floor(rand() * 5)) * 60_000
      const clientRequestId = `demo-${String(++requestSeq).padStart(4, '0')}`
      const orderId = 'o' + createHash('sha256').update(`${shopper.openid}\n${clientRequestId}`).digest('hex').slice(0, 31)
      orders.push({
        _id: orderId,
        _openid: shopper.openid,
        status: 'paid',
        lines: quote.lines.map((line: OrderLine) => ({ ...line, skuId: line.productId })),
        itemsFen: quote.itemsFen,
        shippingFen: quote.shippingFen,
        totalFen: quote.totalFen,
        sellerId,
        address,
        clientRequestId,
        createdAt: date(createdMs),
        expiresAt: date(createdMs + 30 * 60_000),
        paidAt: date(paidAtMs),
        cancelledAt: null,
        transactionId: `42${createHash('sha256').update(orderId).digest('hex').slice(0, 26)}`,
        stockHeld: false,
        holdId: `${orderId}-${createHash('sha256').update(`hold ${orderId}`).digest('hex').slice(0, 12)}`,
      })
      const list = purchases.get(shopper.openid) ?? []
      list.push({ day: storeDayOf(paidAtMs), amountFen: quote.totalFen, paidAtMs })
      purchases.set(shopper.openid, list)
    }
    if (shopper.binding && boundAtMs !== undefined) {
      const b = shopper.binding
      const owner = codeOwner[b.code]
      const openKey = `demo${createHash('sha256').update(shopper.openid).digest('hex').slice(0, 12)}`
      shareOpens.push({
        _id: `${shopper.openid}:${openKey}`,
        code: b.code,
        sharerOpenid: owner.openid,
        sceneValue: b.scene,
        channel: b.scene === 1007 ? 'chat' : b.scene === 1008 ? 'group' : 'code',
        bound: true,
        openedAt: date(boundAtMs),
        openid: shopper.openid,
        ...(b.groupId ? { groupId: b.groupId } : {}),
        ...(b.productId ? { productId: b.productId } : {}),
        creditedSellerId: owner.sellerId,
      })
    }
  }

  // Shares made by the sellers and Mei, and opens that bound nobody (Moments without a login,
  // customers already bound opening another card), mostly in the last month for the funnel.
  for (let i = 0; i < 60; i++) {
    const sharer = pick([LIN, LIN, ZHOU, { openid: 'o-demo-customer-mei', sellerId: LIN.sellerId, code: MEI_CODE }])
    const dayOffset = HISTORY_DAYS - Math.floor(rand() * (rand() < 0.7 ? 30 : HISTORY_DAYS - 40))
    const channel = pick(['card', 'card', 'moments', 'code'] as const)
    const productId = rand() < 0.7 ? pick(DEMO_PRODUCTS)._id : undefined
    shareEvents.push({ _id: `demo-share-${String(i + 1).padStart(3, '0')}`, sharerOpenid: sharer.openid, code: sharer.code, sellerId: sharer.sellerId, channel, ...(productId ? { productId } : {}), at: date(at(dayOffset)) })
    const opens = Math.floor(rand() * 3)
    for (let k = 0; k < opens; k++) {
      const openedMs = at(Math.min(HISTORY_DAYS, dayOffset + Math.floor(rand() * 2)))
      const key = `demo${String(i).padStart(3, '0')}k${k}`
      if (channel === 'moments') {
        shareOpens.push({ _id: `anonymous:${key}`, code: sharer.code, sharerOpenid: sharer.openid, sceneValue: 1154, channel: 'moments', bound: false, reason: 'anonymous', openedAt: date(openedMs), ...(productId ? { productId } : {}), creditedSellerId: sharer.sellerId })
      } else {
        const opener = pick(shoppers.filter((s) => s.binding && codeOwner[s.binding.code].sellerId === sharer.sellerId && s.openid !== sharer.openid && (s.binding.dayOffset < dayOffset)))
        if (!opener) continue
        const scene = channel === 'code' ? 1047 : pick([1007, 1008])
        shareOpens.push({ _id: `${opener.openid}:${key}`, code: sharer.code, sharerOpenid: sharer.openid, sceneValue: scene, channel: scene === 1007 ? 'chat' : scene === 1008 ? 'group' : 'code', bound: false, reason: 'alreadyBound', openedAt: date(openedMs), openid: opener.openid, ...(productId ? { productId } : {}), creditedSellerId: sharer.sellerId })
      }
    }
  }

  // Customers: statistics from their paid orders, scored with the store's model as of the last day.
  const statsOf = new Map<string, CustomerStats>()
  for (const [openid, list] of purchases) statsOf.set(openid, statsFromPurchases(openid, list) as CustomerStats)
  const model = buildValueModel([...statsOf.values()], lastDay, { scoring: SCORING })
  const scoreOf = new Map([...statsOf].map(([openid, stats]) => [openid, scoreCustomer(stats, model, lastDay)]))

  const spendOf = (openid: string) => (purchases.get(openid) ?? []).reduce((sum, p) => sum + p.amountFen, 0)
  const referralValueOf = (openid: string, code: string) => {
    const referred = shoppers
      .filter((sh) => sh.binding?.code === code)
      .map((sh) => {
        const stats = statsOf.get(sh.openid)
        return {
          customerId: sh.openid,
          boundDay: storeDayOf(boundAt.get(sh.openid) as number),
          ...(stats ? { firstPurchaseDay: stats.firstPurchaseDay } : {}),
          clvFen: scoreOf.get(sh.openid)?.clvFen ?? null,
          spendFen: spendOf(sh.openid),
        }
      })
    const value = referralValueOfReferrer(openid, referred, SCORING.margin)
    return { crvFen: value.crvFen, referrals: value.referrals, incrementalReferrals: value.incrementalReferrals, modelVersion: 'demo', day: lastDay }
  }

  const customerDoc = (openid: string, nickname: string, createdMs: number, extra: Record<string, unknown> = {}) => {
    const doc: Record<string, unknown> = { _id: openid, nickname, ...extra }
    const stats = statsOf.get(openid)
    if (stats) {
      const list = purchases.get(openid)!
      doc.stats = stats
      doc.score = scoreOf.get(openid)
      doc.scoreModelVersion = 'demo'
      doc.paidOrders = list.length
      doc.spendFen = spendOf(openid)
      doc.lastPaidAt = date(Math.max(...list.map((p) => p.paidAtMs)))
    }
    const code = Object.entries(codeOwner).find(([, owner]) => owner.openid === openid)?.[0]
    if (code) doc.referralValue = referralValueOf(openid, code)
    doc.createdAt = date(createdMs)
    return doc
  }
  const customers = [
    customerDoc(LIN.openid, '林姐', at(0, 10, 0)),
    customerDoc(ZHOU.openid, '小周', at(14, 10, 0)),
    ...shoppers.map((sh) => {
      const b = sh.binding
      const bound = boundAt.get(sh.openid)
      const binding = b && bound !== undefined
        ? { sellerId: codeOwner[b.code].sellerId, boundAt: date(bound), bindingSource: { code: b.code, scene: b.scene, ...(b.groupId ? { groupId: b.groupId } : {}) } }
        : {}
      return customerDoc(sh.openid, sh.nickname, bound ?? at(sh.firstDayOffset ?? 0, 9, 0), binding)
    }),
  ]

  const sellers = [
    { _id: LIN.sellerId, openid: LIN.openid, shortCode: LIN.code, status: 'active', name: '林姐的茶铺', enrolledBy: 'application', createdAt: date(at(0, 10, 0)), approvedAt: date(at(0, 11, 0)) },
    { _id: ZHOU.sellerId, openid: ZHOU.openid, shortCode: ZHOU.code, status: 'active', name: '小周好物', enrolledBy: 'application', createdAt: date(at(14, 10, 0)), approvedAt: date(at(14, 12, 0)) },
    { _id: 's_Wang3new', openid: 'o-demo-applicant-wang', shortCode: 'Wang3new', status: 'pending', name: '王同学', enrolledBy: 'application', createdAt: date(at(HISTORY_DAYS - 7, 10, 0)) },
  ]
  const shareCodes = [
    { _id: LIN.code, openid: LIN.openid, createdAt: date(at(0, 10, 0)) },
    { _id: ZHOU.code, openid: ZHOU.openid, createdAt: date(at(14, 10, 0)) },
    { _id: 'Wang3new', openid: 'o-demo-applicant-wang', createdAt: date(at(HISTORY_DAYS - 7, 10, 0)) },
    { _id: MEI_CODE, openid: 'o-demo-customer-mei', createdAt: date(at(40, 10, 0)) },
  ]
  const byTime = (field: string) => (a: Record<string, unknown>, b: Record<string, unknown>) =>
    (a[field] as { $date: string }).$date < (b[field] as { $date: string }).$date ? -1 : (a[field] as { $date: string }).$date > (b[field] as { $date: string }).$date ? 1 : a._id! < b._id! ? -1 : 1
  return {
    collections: {
      customers,
      sellers,
      shareCodes,
      orders: orders.sort(byTime('createdAt')),
      shareOpens: shareOpens.sort(byTime('openedAt')),
      shareEvents: shareEvents.sort(byTime('at')),
    },
    model,
  }
}

/** One document a line, like the hand-written seed files. */
function seedText(docs: unknown[]): string {
  return '[\n' + docs.map((d) => '  ' + JSON.stringify(d)).join(',\n') + '\n]\n'
}

// run as a script (not when a test imports it)
const PLACES: ReadonlyArray<Omit<ShippingAddress, 'name' | 'phone' | 'detail'> & { streets: readonly string[] }> = [
  { province: '浙江省', city: '杭州市', district: '西湖区', postalCode: '310000', streets: ['龙井路', '文三路', '曙光路'] },
  { province: '广东省', city: '广州市', district: '海珠区', postalCode: '510000', streets: ['新港中路', '江南大道', '宝岗大道'] },
  { province: '上海市', city: '上海市', district: '浦东新区', postalCode: '200120', streets: ['世纪大道', '张杨路', '东方路'] },
  { province: '四川省', city: '成都市', district: '武侯区', postalCode: '610000', streets: ['人民南路', '科华北路', '玉林路'] },
  { province: '北京市', city: '北京市', district: '朝阳区', postalCode: '100020', streets: ['建国路', '朝阳路', '光华路'] },
]
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴']
const GIVEN = ['芳', '伟', '敏', '静', '磊', '婷', '强', '丽', '洋', '娟']

/** A shopper's delivery address, the same on every order, from their openid (not the random stream, so the rest of the history is unchanged). */
function demoAddress(openid: string): ShippingAddress {
  const h = createHash('sha256').update(`address ${openid}`).digest()
  const place = PLACES[h[0] % PLACES.length]
  return {
    name: `${SURNAMES[h[1] % SURNAMES.length]}${GIVEN[h[2] % GIVEN.length]}`,
    phone: `13${h[3] % 10}${String(h.readUInt32BE(4) % 100_000_000).padStart(8, '0')}`,
    province: place.province,
    city: place.city,
    district: place.district,
    detail: `${place.streets[h[8] % place.streets.length]}${1 + (h[9] % 200)}号${1 + (h[10] % 20)}栋${100 + (h[11] % 30)}室`,
    postalCode: place.postalCode,
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) {
  const untilIndex = process.argv.indexOf('--until')
  const until = untilIndex > 0 ? process.argv[untilIndex + 1] : DEMO_LAST_DAY
  if (!until || dayString(dayNumber(until)) !== until) throw new Error(`--until takes a day YYYY-MM-DD, got ${until}`)
  const { collections, model } = generate(until)
  for (const [name, docs] of Object.entries(collections)) fs.writeFileSync(path.join(SEED_DIR, `${name}.json`), seedText(docs))
  const counts = Object.fromEntries(Object.entries(collections).map(([name, docs]) => [name, docs.length]))
  console.log(JSON.stringify({ until, model: { source: model.source, customers: model.customers, repeatCustomers: model.repeatCustomers }, counts }))
}

