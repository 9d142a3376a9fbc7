/** The pure parts of the cart, checkout and payment result pages, and of the checkout service. */
import './helpers/wx-harness'
import { EMPTY_CART, refusalReason, selectedLines, steppedQuantity, toCartErrorView, toCartView, unitsAvailable, type PricedCart } from '../../miniprogram/pages/cart/cart-view'
import { payResultUrl, toAddressView, toCheckoutRefusedView, toCheckoutView, toShippingAddress } from '../../miniprogram/pages/checkout/checkout-view'
import { orderDetailUrl, toResultView, waitingView } from '../../miniprogram/pages/pay-result/pay-result-view'
import { linesFromQuery, linesToQuery, paymentParamsStale, paymentSettled, refusedLineOf, PAYMENT_PARAMS_MAX_AGE_MS } from '../../miniprogram/services/checkout'
import { CART_STORAGE_KEY, removeManyFromCart } from '../../miniprogram/services/cart'
import { ApiError } from '../../miniprogram/services/transport'
import type { ProductDetail } from '../../typings/catalog'
import type { CartQuote, OrderView, PaymentParams, QuotedLine } from '../../typings/orders'

function line(skuId: string, priceFen: number, quantity: number, overrides: Partial<QuotedLine> = {}): QuotedLine {
  return { productId: skuId.split('-').slice(0, 2).join('-'), skuId, name: `商品${skuId}`, spec: '', priceFen, quantity, amountFen: priceFen * quantity, available: 99, ...overrides }
}

function quoteOf(lines: QuotedLine[], shippingFen = 1000): CartQuote {
  const itemsFen = lines.reduce((n, l) => n + l.amountFen, 0)
  return { lines, itemsFen, shippingFen, totalFen: itemsFen + shippingFen }
}

function productWith(id: string, skus: Array<{ _id: string; available: number; onSale?: boolean; spec?: string }>, name = `产品${id}`): ProductDetail {
  return {
    _id: id,
    name,
    categoryId: 'c',
    cover: `cloud://env/${id}.png`,
    fromPriceFen: 100,
    toPriceFen: 100,
    soldOut: false,
    description: '',
    images: [`cloud://env/${id}.png`],
    specNames: [],
    skus: skus.map((s) => ({ _id: s._id, specValues: [], spec: s.spec ?? '', priceFen: 100, available: s.available, onSale: s.onSale ?? true })),
  }
}

describe('cart view', () => {
  const tea = line('p-tea', 16800, 2, { productId: 'p-tea', name: '明前龙井', spec: '250g / 罐装', image: 'cloud://env/tea.png', available: 3 })
  const soap = line('p-soap', 2800, 1, { productId: 'p-soap', name: '山茶油皂', available: 99 })
  const cart: PricedCart = {
    stored: [
      { skuId: 'p-tea', quantity: 2 },
      { skuId: 'p-gone', quantity: 1 },
      { skuId: 'p-soap', quantity: 1 },
      { skuId: 'p-jujube', quantity: 4 },
    ],
    quote: quoteOf([tea, soap], 0),
    refused: [
      { skuId: 'p-gone', quantity: 1, code: 'PRODUCT_UNAVAILABLE', productId: '' },
      { skuId: 'p-jujube', quantity: 4, code: 'OUT_OF_STOCK', productId: 'p-jujube', available: 2 },
    ],
    // only the refused lines' products are read (names and images); the quote bounds the priced lines
    products: {
      'p-jujube': productWith('p-jujube', [{ _id: 'p-jujube', available: 7 }], '和田大枣'),
    },
    imageUrls: { 'cloud://env/tea.png': 'http://127.0.0.1/tea.png', 'cloud://env/p-jujube.png': 'http://127.0.0.1/jujube.png' },
  }

  test('priced lines show the server\'s prices and line totals; the stepper is bounded by stock and by 99', () => {
    const view = toCartView(cart, [], cart.quote)
    expect(view.status).toBe('ready')
    const [teaLine, , soapLine] = view.lines
    expect(teaLine).toMatchObject({ name: '明前龙井', spec: '250g / 罐装', cover: 'http://127.0.0.1/tea.png', priceText: '¥168.00', amountText: '¥336.00', quantity: 2, maxQuantity: 3, canPlus: true, canMinus: true, available: true, selected: true })
    expect(soapLine).toMatchObject({ maxQuantity: 99, canMinus: false, cover: '' })
    expect(view).toMatchObject({ allSelected: true, selectedCount: 2, itemsText: '¥364.00', shippingText: '免运费', totalText: '¥364.00', canCheckout: true })
  })

  test('lines the server will not price are greyed with why, never selected, and out of the totals', () => {
    const view = toCartView(cart, [], cart.quote)
    expect(view.lines[1]).toMatchObject({ name: '商品已下架', available: false, selected: false, reason: '已下架', canPlus: false, canMinus: false, priceText: '', amountText: '' })
    // 4 asked, 2 left: it can be brought down to 2
    expect(view.lines[3]).toMatchObject({ name: '和田大枣', available: false, reason: '库存不足，仅剩 2 件', maxQuantity: 2, canMinus: true, canPlus: false, cover: 'http://127.0.0.1/jujube.png' })
    expect(refusalReason({ skuId: 'x', quantity: 1, code: 'OUT_OF_STOCK', productId: 'p' }, 0)).toBe('已售罄')
    // without the refusal's own count, the product's stock bounds it
    const older = toCartView({ ...cart, refused: [cart.refused[0], { skuId: 'p-jujube', quantity: 4, code: 'OUT_OF_STOCK', productId: 'p-jujube' }] }, [], cart.quote)
    expect(older.lines[3]).toMatchObject({ maxQuantity: 7, canMinus: true })
  })

  test('a priced line is bounded by the quote’s available units, never below what it holds', () => {
    const short = toCartView({ ...cart, quote: quoteOf([{ ...tea, available: 1 }, soap], 0) }, [], null)
    expect(short.lines[0]).toMatchObject({ quantity: 2, maxQuantity: 2, canPlus: false, canMinus: true })
  })

  test('unticked lines stay out of 去结算 and the totals come from the quote of the ticked ones', () => {
    const totals = quoteOf([soap])
    const view = toCartView(cart, ['p-tea'], totals)
    expect(view.lines[0].selected).toBe(false)
    expect(view).toMatchObject({ allSelected: false, selectedCount: 1, itemsText: '¥28.00', shippingText: '¥10.00', totalText: '¥38.00' })
    expect(selectedLines(cart, ['p-tea'])).toEqual([{ skuId: 'p-soap', quantity: 1 }])
    expect(selectedLines(cart, [])).toEqual([{ skuId: 'p-tea', quantity: 2 }, { skuId: 'p-soap', quantity: 1 }])
    const none = toCartView(cart, ['p-tea', 'p-soap'], null)
    expect(none).toMatchObject({ canCheckout: false, selectedCount: 0, totalText: '¥0.00' })
  })

  test('an empty cart, an error, stock of off-sale SKUs, and the stepper\'s bounds', () => {
    expect(toCartView({ ...cart, stored: [] }, [], null)).toEqual(EMPTY_CART)
    expect(toCartErrorView(new ApiError('INTERNAL', 'boom'))).toMatchObject({ status: 'error', errorMessage: '网络开小差了，请稍后重试' })
    expect(unitsAvailable({ p: productWith('p', [{ _id: 'p', available: 5, onSale: false }]) }, 'p', 'p')).toBe(0)
    expect(unitsAvailable({ p: null }, 'p', 'p')).toBe(0)
    expect(steppedQuantity(2, 1, 3)).toBe(3)
    expect(steppedQuantity(3, 1, 3)).toBe(3)
    expect(steppedQuantity(1, -1, 3)).toBe(1)
    expect(steppedQuantity(4, -1, 2)).toBe(2)
    expect(steppedQuantity(99, 1, 500)).toBe(99)
  })

  test('bought lines leave the stored cart, others stay', () => {
    wx.setStorageSync(CART_STORAGE_KEY, [{ skuId: 'a', quantity: 1 }, { skuId: 'b', quantity: 2 }, { skuId: 'c', quantity: 3 }])
    expect(removeManyFromCart(['a', 'c'])).toEqual([{ skuId: 'b', quantity: 2 }])
    expect(wx.getStorageSync(CART_STORAGE_KEY)).toEqual([{ skuId: 'b', quantity: 2 }])
  })
})

describe('checkout service, pure parts', () => {
  test('lines survive the page query, also URL-encoded once more; malformed parts are dropped', () => {
    const lines = [{ skuId: 'p-longjing-500g', quantity: 2 }, { skuId: 'odd:id,x', quantity: 1 }]
    expect(linesFromQuery(linesToQuery(lines))).toEqual(lines)
    expect(linesFromQuery(encodeURIComponent(linesToQuery(lines)))).toEqual(lines)
    expect(linesFromQuery('a:0,b:-1,c:1.5,:2,d:x,e:3,e:4')).toEqual([{ skuId: 'e', quantity: 3 }])
    expect(linesFromQuery(undefined)).toEqual([])
  })

  test('payment params older than 100 minutes are stale', () => {
    const now = Date.UTC(2026, 10, 27, 12)
    const params = (at: number): PaymentParams => ({ appId: 'wx', timeStamp: String(Math.floor(at / 1000)), nonceStr: 'n', package: 'prepay_id=x', signType: 'MD5', paySign: 's' })
    expect(paymentParamsStale(params(now - 60_000), now)).toBe(false)
    expect(paymentParamsStale(params(now - PAYMENT_PARAMS_MAX_AGE_MS - 1000), now)).toBe(true)
    expect(paymentParamsStale({ ...params(now), timeStamp: 'x' }, now)).toBe(true)
  })

  test('a quote refusal names its line only for OUT_OF_STOCK / PRODUCT_UNAVAILABLE of a requested SKU', () => {
    const lines = [{ skuId: 'a', quantity: 2 }]
    expect(refusedLineOf(new ApiError('OUT_OF_STOCK', 'x', { productId: 'pa', skuId: 'a' }), lines)).toEqual({ skuId: 'a', quantity: 2, code: 'OUT_OF_STOCK', productId: 'pa' })
    expect(refusedLineOf(new ApiError('OUT_OF_STOCK', 'x', { productId: 'pa', skuId: 'a', available: 1 }), lines)).toEqual({ skuId: 'a', quantity: 2, code: 'OUT_OF_STOCK', productId: 'pa', available: 1 })
    expect(refusedLineOf(new ApiError('OUT_OF_STOCK', 'x', { productId: 'pa', skuId: 'a', available: -1 }), lines)).not.toHaveProperty('available')
    expect(refusedLineOf(new ApiError('OUT_OF_STOCK', 'x', { skuId: 'z' }), lines)).toBeNull()
    expect(refusedLineOf(new ApiError('INTERNAL', 'x', { skuId: 'a' }), lines)).toBeNull()
    expect(refusedLineOf(new Error('x'), lines)).toBeNull()
  })

  test('only leaving pending_payment settles a payment', () => {
    expect(paymentSettled({ status: 'pending_payment' })).toBe(false)
    expect(paymentSettled({ status: 'paid' })).toBe(true)
    expect(paymentSettled({ status: 'cancelled' })).toBe(true)
  })
})

describe('checkout view', () => {
  const chosen = { userName: '张三', telNumber: '020-81167888', provinceName: '广东省', cityName: '广州市', countyName: '海珠区', detailInfo: '新港中路397号', postalCode: '510000', nationalCode: '510000', errMsg: 'chooseAddress:ok' }

  test('the chosen address, once per municipality, and an incomplete one refused', () => {
    const address = toShippingAddress(chosen)
    expect(address).toEqual({ name: '张三', phone: '020-81167888', province: '广东省', city: '广州市', district: '海珠区', detail: '新港中路397号', postalCode: '510000' })
    expect(toAddressView(address)).toEqual({ name: '张三', phone: '020-81167888', text: '广东省广州市海珠区新港中路397号' })
    expect(toAddressView(toShippingAddress({ ...chosen, provinceName: '北京市', cityName: '北京市', countyName: '朝阳区', detailInfo: '建国路1号' }))?.text).toBe('北京市朝阳区建国路1号')
    expect(toShippingAddress({ ...chosen, telNumber: ' ' })).toBeNull()
    expect(toShippingAddress({})).toBeNull()
  })

  test('lines, shipping and totals from the quote, formatted from fen', () => {
    const view = toCheckoutView(quoteOf([line('p-soap', 2800, 2, { image: 'cloud://s' })]), { 'cloud://s': 'http://x/s.png' }, null)
    expect(view).toMatchObject({ status: 'ready', itemsText: '¥56.00', shippingText: '¥10.00', totalText: '¥66.00', address: null, canSubmit: true })
    expect(view.lines[0]).toMatchObject({ priceText: '¥28.00', quantity: 2, amountText: '¥56.00', cover: 'http://x/s.png' })
    expect(toCheckoutView(quoteOf([line('p-soap', 9900, 1)], 0), {}, null).shippingText).toBe('免运费')
  })

  test('a refused quote names the line from the earlier quote and offers to change it; others are errors', () => {
    const earlier = quoteOf([line('p-jujube', 3990, 5, { name: '和田大枣' })])
    expect(toCheckoutRefusedView(new ApiError('OUT_OF_STOCK', 'x', { skuId: 'p-jujube' }), earlier, null)).toMatchObject({ status: 'unavailable', errorMessage: '「和田大枣」库存不足，请修改后再结算', canSubmit: false })
    expect(toCheckoutRefusedView(new ApiError('PRODUCT_UNAVAILABLE', 'x', { skuId: 'q' }), null, null).errorMessage).toBe('部分商品已下架，请修改后再结算')
    expect(toCheckoutRefusedView(new ApiError('INTERNAL', 'x'), null, null)).toMatchObject({ status: 'error', errorMessage: '网络开小差了，请稍后重试' })
  })

  test('the result page url says how the sheet ended and whether the lines came from the cart', () => {
    expect(payResultUrl('o1', 'paid', true)).toBe('/pages/pay-result/index?orderId=o1&sheet=paid&from=cart')
    expect(payResultUrl('o1', 'cancelled', false)).toBe('/pages/pay-result/index?orderId=o1&sheet=cancelled')
  })
})

describe('payment result view', () => {
  const order = (overrides: Partial<OrderView>): OrderView => ({
    _id: 'o1',
    status: 'pending_payment',
    createdAt: Date.UTC(2026, 10, 27, 4),
    expiresAt: Date.UTC(2026, 10, 27, 4, 30),
    paidAt: null,
    cancelledAt: null,
    address: null,
    ...quoteOf([line('p-soap', 2800, 1, { name: '山茶油皂' })]),
    ...overrides,
  })

  test('only an order with paidAt is 支付成功; pending stays waiting, unpaid or confirming as the page says', () => {
    expect(waitingView('o1')).toMatchObject({ status: 'waiting', title: '支付处理中' })
    expect(toResultView(order({}), 'waiting')).toMatchObject({ status: 'waiting', title: '支付处理中', totalText: '¥38.00' })
    expect(toResultView(order({}), 'unpaid')).toMatchObject({ status: 'unpaid', title: '未支付' })
    expect(toResultView(order({}), 'confirming')).toMatchObject({ status: 'confirming', title: '支付结果确认中' })
    const paid = toResultView(order({ status: 'paid', paidAt: Date.UTC(2026, 10, 27, 4, 5) }), 'waiting')
    expect(paid).toMatchObject({ status: 'paid', title: '支付成功', totalText: '¥38.00' })
    expect(paid.lines).toEqual([{ skuId: 'p-soap', name: '山茶油皂', spec: '', quantity: 1, amountText: '¥28.00' }])
    expect(paid.paidAtText).not.toBe('')
    expect(toResultView(order({ status: 'shipped', paidAt: 1 }), 'unpaid').status).toBe('paid')
    expect(toResultView(order({ status: 'cancelled', cancelledAt: 2 }), 'waiting')).toMatchObject({ status: 'cancelled', title: '订单已取消' })
  })

  test('the order link is my-orders\' detail page', () => {
    expect(orderDetailUrl('o1')).toBe('/pages/orders/detail/index?id=o1')
  })
})
