/** The owner pages' pure parts: the yuan parser, the product form and its draft, stock adjustments, order and refund cards. */
import './helpers/wx-harness'
import { parseYuanToFen } from '../../miniprogram/utils/money'
import {
  addSkuRow,
  addSpecName,
  adjustmentDelta,
  attemptFor,
  emptyForm,
  fenToYuanText,
  formFromProduct,
  moveImage,
  productImagePath,
  removeSpecName,
  toFormView,
  toProductDraft,
  withSkuStock,
  type ProductForm,
  type StockAdjustment,
} from '../../miniprogram/owner/product/product-form'
import { priceRangeText, productFilterOf, toCategoryChips, toProductCard, toProductsView, totalStock, withOnSale } from '../../miniprogram/owner/products/products-view'
import { toOwnerErrorView } from '../../miniprogram/owner/owner-view'
import { CARRIERS, buyerText, toOrderCard, toShipment } from '../../miniprogram/owner/orders/orders-view'
import { approvalQuestion, cleanRejectReason, replaceCard, toRefundCard } from '../../miniprogram/owner/refunds/refunds-view'
import { ApiError } from '../../miniprogram/services/transport'
import type { AdminProductView, AdminSkuView, Category } from '../../typings/catalog'
import type { AdminOrderView, RefundView } from '../../typings/orders'

const CATEGORIES: Category[] = [{ _id: 'cat-tea', name: '茶叶', sort: 1 }]

function adminSku(id: string, specValues: string[], priceFen: number, stock = 10, onSale = true): AdminSkuView {
  return { _id: id, specValues, spec: specValues.join(' / '), priceFen, stock, reserved: 1, sold: 2, holds: 0, onSale }
}

function adminProduct(skus: AdminSkuView[], extra: Partial<AdminProductView> = {}): AdminProductView {
  return { _id: 'p-x', name: '龙井', categoryId: 'cat-tea', description: '', images: ['cloud://env/a.png', 'cloud://env/b.png'], specNames: ['重量'], onSale: true, sort: 0, createdAt: 0, minPriceFen: null, maxPriceFen: null, skus, ...extra }
}

/** A complete new form: two SKUs of one spec, one image. */
function filledForm(): ProductForm {
  let form = emptyForm('c-request-1')
  form = addSpecName({ ...form, name: ' 新茶 ', categoryId: 'cat-tea', images: [{ fileID: 'cloud://env/products/x.png', src: '' }] })
  form = addSkuRow(form)
  form.specNames = ['重量']
  form.skus[0] = { ...form.skus[0], values: ['250g'], priceText: '19.9', stockText: '5' }
  form.skus[1] = { ...form.skus[1], values: ['500g'], priceText: '35', stockText: '' }
  return form
}

describe('parseYuanToFen', () => {
  test.each([
    ['0', 0],
    ['1', 100],
    ['19.9', 1990],
    ['19.90', 1990],
    ['0.05', 5],
    [' 168 ', 16800],
    ['007.5', 750],
    ['1000000', 100_000_000],
  ])('%p is %p fen', (input, fen) => {
    expect(parseYuanToFen(input)).toBe(fen)
  })

  test.each(['', ' ', '-1', '-0.5', '+1', '1.', '.5', '1.234', '0.001', '1e3', '1,000', '１２', '¥12', '12元', 'abc', '1.2.3', 'NaN', 'Infinity', '99999999999999999999'])('%p is refused', (input) => {
    expect(parseYuanToFen(input)).toBeNull()
  })

  test('the parsed amount formats back to what was typed', () => {
    for (const fen of [0, 5, 10, 1990, 16800, 123456]) expect(parseYuanToFen(fenToYuanText(fen))).toBe(fen)
  })
})

describe('product form', () => {
  test('a complete form becomes the draft the API takes: trimmed, prices in fen, initial stock for new SKUs', () => {
    const result = toProductDraft(filledForm(), CATEGORIES)
    expect(result).toEqual({
      ok: true,
      draft: {
        name: '新茶',
        categoryId: 'cat-tea',
        images: ['cloud://env/products/x.png'],
        specNames: ['重量'],
        skus: [
          { specValues: ['250g'], priceFen: 1990, stock: 5, onSale: true },
          { specValues: ['500g'], priceFen: 3500, stock: 0, onSale: true },
        ],
        onSale: true,
        sort: 0,
      },
    })
  })

  test.each<[string, (f: ProductForm) => ProductForm, string]>([
    ['no name', (f) => ({ ...f, name: '  ' }), '请填写商品名称'],
    ['no category', (f) => ({ ...f, categoryId: '' }), '请选择商品分类'],
    ['an unknown category', (f) => ({ ...f, categoryId: 'cat-gone' }), '请选择商品分类'],
    ['no image', (f) => ({ ...f, images: [] }), '请至少上传一张商品图片'],
    ['an empty spec name', (f) => ({ ...f, specNames: [' '] }), '规格名不能为空'],
    ['a missing spec value', (f) => ({ ...f, skus: [{ ...f.skus[0], values: [''] }, f.skus[1]] }), '请填写第 1 个规格的「重量」'],
    ['two SKUs with the same values', (f) => ({ ...f, skus: [f.skus[0], { ...f.skus[1], values: ['250g'] }] }), '有两个规格的取值相同：250g'],
    ['no price', (f) => ({ ...f, skus: [f.skus[0], { ...f.skus[1], priceText: '' }] }), '请填写第 2 个规格的价格'],
    ['three decimals', (f) => ({ ...f, skus: [{ ...f.skus[0], priceText: '1.999' }, f.skus[1]] }), '第 1 个规格的价格格式不对：请填写金额，最多两位小数'],
    ['a negative price', (f) => ({ ...f, skus: [{ ...f.skus[0], priceText: '-1' }, f.skus[1]] }), '第 1 个规格的价格格式不对：请填写金额，最多两位小数'],
    ['a fractional stock', (f) => ({ ...f, skus: [{ ...f.skus[0], stockText: '1.5' }, f.skus[1]] }), '第 1 个规格的初始库存需为 0 到 10000000 的整数'],
    ['no specs but two SKUs', (f) => removeSpecName(f, 0), '没有规格名的商品只能有一个 SKU，请先添加规格名'],
  ])('%s is refused before calling, in Chinese', (_, edit, message) => {
    expect(toProductDraft(edit(filledForm()), CATEGORIES)).toEqual({ ok: false, message })
  })

  test('a saved product edits into a form whose saved SKUs carry no stock: stock moves only through adjustments', () => {
    const form = formFromProduct(adminProduct([adminSku('p-x', ['250g'], 16800), adminSku('p-x-500', ['500g'], 32000, 0, false)]), ['https://a', ''], 'c-edit')
    expect(form.skus.map((r) => r.priceText)).toEqual(['168.00', '320.00'])
    const result = toProductDraft(form, CATEGORIES)
    expect(result.ok && result.draft.skus).toEqual([
      { specValues: ['250g'], priceFen: 16800, onSale: true },
      { specValues: ['500g'], priceFen: 32000, onSale: false },
    ])
    expect(toFormView(form, CATEGORIES)).toMatchObject({ isNew: false, canChangeSpecs: false, categoryName: '茶叶', skus: [{ saved: true, stockInfo: '库存 10 · 待付款占用 1 · 已售 2' }, { saved: true }] })
    // a saved SKU is identified by its values: dimensions cannot be added or removed under it
    expect(addSpecName(form)).toBe(form)
    expect(removeSpecName(form, 0)).toBe(form)
    expect(withSkuStock(form, { ...adminSku('p-x', ['250g'], 16800), stock: 15 }).skus[0].stock).toBe(15)
  })

  test('images reorder by one step (the first is the cover) and never leave the list', () => {
    const images = ['a', 'b', 'c'].map((fileID) => ({ fileID, src: '' }))
    expect(moveImage(images, 2, -1).map((i) => i.fileID)).toEqual(['a', 'c', 'b'])
    expect(moveImage(images, 0, 1).map((i) => i.fileID)).toEqual(['b', 'a', 'c'])
    expect(moveImage(images, 0, -1)).toBe(images)
    expect(moveImage(images, 2, 1)).toBe(images)
    expect(productImagePath('/tmp/x.PNG', 'k1')).toBe('products/k1.png')
    expect(productImagePath('wxfile://tmp_abc', 'k1')).toBe('products/k1.jpg')
  })
})

describe('stock adjustments', () => {
  const adjustment = (change: Partial<StockAdjustment> = {}): StockAdjustment => ({ skuId: 's1', spec: '250g', stock: 5, sign: 1, amountText: '3', reason: '到货入库', ...change })

  test('the signed delta, or what to fix', () => {
    expect(adjustmentDelta(adjustment())).toEqual({ ok: true, delta: 3 })
    expect(adjustmentDelta(adjustment({ sign: -1, amountText: '5' }))).toEqual({ ok: true, delta: -5 })
    expect(adjustmentDelta(adjustment({ sign: -1, amountText: '6' }))).toEqual({ ok: false, message: '库存不足，最多可减少 5 件' })
    expect(adjustmentDelta(adjustment({ amountText: '0' }))).toEqual({ ok: false, message: '请填写调整数量（正整数）' })
    expect(adjustmentDelta(adjustment({ amountText: '-3' }))).toEqual({ ok: false, message: '请填写调整数量（正整数）' })
    expect(adjustmentDelta(adjustment({ amountText: '2.5' }))).toEqual({ ok: false, message: '请填写调整数量（正整数）' })
    expect(adjustmentDelta(adjustment({ reason: '' }))).toEqual({ ok: false, message: '请选择调整原因' })
  })

  test('a retry of the same change keeps its request id; a different change gets a new one', () => {
    let n = 0
    const make = () => `s-request-${++n}`
    const first = attemptFor(null, 3, make)
    expect(first).toEqual({ delta: 3, requestId: 's-request-1' })
    expect(attemptFor(first, 3, make)).toBe(first)
    expect(attemptFor(first, 4, make)).toEqual({ delta: 4, requestId: 's-request-2' })
  })
})

describe('product list', () => {
  test('price range over SKUs on sale, total stock, status', () => {
    const product = adminProduct([adminSku('a', ['1'], 16800, 3), adminSku('b', ['2'], 32000, 4), adminSku('c', ['3'], 100, 5, false)])
    expect(priceRangeText(product)).toBe('¥168.00 - ¥320.00')
    expect(totalStock(product)).toBe(12)
    expect(toProductCard(product, 'https://cover')).toEqual({ id: 'p-x', name: '龙井', cover: 'https://cover', priceText: '¥168.00 - ¥320.00', stockText: '库存 12', onSale: true, statusText: '在售' })
    expect(priceRangeText(adminProduct([adminSku('a', [], 990, 0, false)]))).toBe('¥9.90')
    expect(toProductCard(adminProduct([adminSku('a', [], 990, 0)], { onSale: false }), '')).toMatchObject({ stockText: '无库存', statusText: '已下架' })
    expect(priceRangeText(adminProduct([]))).toBe('未定价')
    expect(withOnSale([toProductCard(product, '')], 'p-x', false)[0]).toMatchObject({ onSale: false, statusText: '已下架' })
  })

  test('a refusal of the role is its own state; anything else can be retried', () => {
    expect(toOwnerErrorView(new ApiError('FORBIDDEN', 'owners only'))).toEqual({ status: 'forbidden', errorMessage: '仅店主可以使用此页面' })
    expect(toOwnerErrorView(new Error('boom'))).toEqual({ status: 'error', errorMessage: '网络开小差了，请稍后重试' })
  })
})

function adminOrder(change: Partial<AdminOrderView> = {}): AdminOrderView {
  return {
    _id: 'o1', status: 'paid', createdAt: Date.UTC(2026, 10, 3, 6, 5), expiresAt: 0, paidAt: 1, cancelledAt: null, shippedAt: null, completedAt: null,
    lines: [
      { productId: 'p-longjing', skuId: 'p-longjing', name: '明前龙井', spec: '250g / 罐装', priceFen: 16800, quantity: 2, amountFen: 33600 },
      { productId: 'p-soap', skuId: 'p-soap', name: '手工皂', spec: '', priceFen: 2800, quantity: 1, amountFen: 2800 },
    ],
    itemsFen: 36400, shippingFen: 0, totalFen: 36400, address: null, shipping: null, refundedFen: 0, refunds: [], buyerOpenid: 'o-demo-shopper-01', buyerNickname: null, sellerId: null,
    ...change,
  }
}

function refund(change: Partial<RefundView> = {}): RefundView {
  return { outRefundNo: 'o1-R1', state: 'requested', lines: [{ skuId: 'p-soap', productId: 'p-soap', quantity: 1, amountFen: 2800 }], shippingFen: 0, refundFen: 2800, reason: '不想要了', full: false, restock: null, from: 'shipped', requestedAt: 0, decidedAt: null, succeededAt: null, ...change }
}

describe('order cards', () => {
  test('a paid order can be shipped; a shipped one shows its carrier, number and the WeChat upload', () => {
    const paid = toOrderCard(adminOrder())
    expect(paid).toMatchObject({ statusText: '待发货', canShip: true, totalText: '¥364.00', shippingFeeText: '包邮', shippingText: '', buyerText: '买家 o-demo…r-01' })
    expect(paid.lines).toEqual([
      { key: 'p-longjing', name: '明前龙井', spec: '250g / 罐装', quantityText: '× 2', amountText: '¥336.00' },
      { key: 'p-soap', name: '手工皂', spec: '', quantityText: '× 1', amountText: '¥28.00' },
    ])
    const shipped = toOrderCard(adminOrder({ status: 'shipped', shipping: { carrier: 'SF', trackingNo: 'SF123', uploaded: true }, refundedFen: 2800 }))
    expect(shipped).toMatchObject({ canShip: false, shippingText: '顺丰 SF123', uploadText: '已同步微信发货信息', refundedText: '已退款 ¥28.00' })
    expect(buyerText('o-short')).toBe('买家 o-short')
    expect(toOrderCard(adminOrder({ buyerNickname: '阿梅' })).buyerText).toBe('买家 阿梅')
    expect(paid.addressText).toBe('无收货地址')
    const beijing = { name: '王五', phone: '13900000000', province: '北京市', city: '北京市', district: '朝阳区', detail: '建国路1号', postalCode: '' }
    expect(toOrderCard(adminOrder({ address: beijing })).addressText).toBe('王五 13900000000 · 北京市朝阳区建国路1号')
  })

  test('the ship sheet needs a carrier and a tracking number the API accepts', () => {
    expect(toShipment({ orderId: 'o1', carrierIndex: -1, trackingNo: 'SF1' })).toEqual({ ok: false, message: '请选择快递公司' })
    expect(toShipment({ orderId: 'o1', carrierIndex: 0, trackingNo: '  ' })).toEqual({ ok: false, message: '请填写或扫描快递单号' })
    expect(toShipment({ orderId: 'o1', carrierIndex: 0, trackingNo: 'SF1' })).toEqual({ ok: false, message: '快递单号应为 4-64 位字母或数字' })
    expect(toShipment({ orderId: 'o1', carrierIndex: 0, trackingNo: '顺丰1234' })).toEqual({ ok: false, message: '快递单号应为 4-64 位字母或数字' })
    expect(toShipment({ orderId: 'o1', carrierIndex: 1, trackingNo: ' 7731 2345 6789 ' })).toEqual({ ok: true, carrier: 'ZTO', trackingNo: '773123456789' })
    expect(CARRIERS.map((c) => c.name)).toEqual(['顺丰', '中通', '圆通', '韵达', '申通', '邮政', '京东'])
  })
})

describe('refund cards', () => {
  test('the latest refund with the server\'s amount and line names; decidable only while requested', () => {
    const card = toRefundCard(adminOrder({ status: 'refund_requested', refunds: [refund({ state: 'rejected' }), refund({ outRefundNo: 'o1-R2' })] }))!
    expect(card).toMatchObject({ outRefundNo: 'o1-R2', stateText: '待处理', amountText: '¥28.00', reason: '不想要了', canDecide: true, restock: false })
    expect(card.lines).toEqual([{ key: 'p-soap', name: '手工皂', spec: '', quantityText: '× 1', amountText: '¥28.00' }])
    expect(approvalQuestion(card)).toBe('将通过微信支付退款 ¥28.00 给买家。确认同意？')
    expect(toRefundCard(adminOrder({ status: 'refund_requested', buyerNickname: '阿梅', refunds: [refund({})] }))!.buyerText).toBe('买家 阿梅')
    expect(toRefundCard(adminOrder())).toBeNull()
  })

  test('before shipping the goods go back to stock by default; approved shows 退款中, then 已退款', () => {
    const requested = toRefundCard(adminOrder({ status: 'refund_requested', refunds: [refund({ from: 'paid', shippingFen: 1000, refundFen: 3800 })] }))!
    expect(requested).toMatchObject({ restock: true, shippingText: '含运费 ¥10.00', amountText: '¥38.00' })
    expect(approvalQuestion(requested)).toContain('商品退回库存')
    const approved = replaceCard([{ ...requested, restock: false }], adminOrder({ status: 'refund_requested', refunds: [refund({ from: 'paid', state: 'approved' })] }))
    expect(approved[0]).toMatchObject({ stateText: '退款中', canDecide: false, restock: false })
    const done = replaceCard(approved, adminOrder({ status: 'refunded', refunds: [refund({ state: 'succeeded' })] }))
    expect(done[0].stateText).toBe('已退款')
  })

  test('a rejection needs a reason of 1-200 characters', () => {
    expect(cleanRejectReason('  ')).toBeNull()
    expect(cleanRejectReason('x'.repeat(201))).toBeNull()
    expect(cleanRejectReason(' 已发货，请先退回 ')).toBe('已发货，请先退回')
  })
})

describe('the product list’s filters', () => {
  test('the search box and the chips become admin.products’ filter; a blank keyword and 全部 ask for nothing', () => {
    expect(productFilterOf({ keyword: '', sale: 'all', categoryId: '' })).toEqual({})
    expect(productFilterOf({ keyword: '   ', sale: 'all', categoryId: '' })).toEqual({})
    expect(productFilterOf({ keyword: ' 普洱 ', sale: 'onSale', categoryId: 'cat-tea' })).toEqual({ keyword: '普洱', onSale: true, categoryId: 'cat-tea' })
    expect(productFilterOf({ keyword: '', sale: 'offSale', categoryId: '' })).toEqual({ onSale: false })
    expect(productFilterOf({ keyword: 'x'.repeat(40), sale: 'all', categoryId: '' }).keyword).toHaveLength(30)
  })

  test('category chips start with 全部分类; an empty filtered list says nothing matched', () => {
    expect(toCategoryChips([{ _id: 'cat-tea', name: '茶', sort: 1 }])).toEqual([
      { id: '', name: '全部分类' },
      { id: 'cat-tea', name: '茶' },
    ])
    expect(toProductsView([], null, { onSale: false })).toMatchObject({ status: 'empty', filtered: true })
    expect(toProductsView([], null)).toMatchObject({ status: 'empty', filtered: false })
  })
})
