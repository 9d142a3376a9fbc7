/** The product page's pure parts: the spec picker, the chosen SKU, price and stock texts, share paths; and the cart store. */
import './helpers/wx-harness'
import {
  chosenSku,
  clampQuantity,
  emptySelection,
  priceText,
  sharePath,
  specRows,
  timelineQuery,
  toDetailErrorView,
  toDetailView,
  toggleValue,
  type Selection,
} from '../../miniprogram/pages/product/detail/detail-view'
import { CART_STORAGE_KEY, MAX_LINE_QUANTITY, addLine, addToCart, cartCount, listCart, parseCart, removeFromCart, removeLine, updateCartQuantity, updateLine } from '../../miniprogram/services/cart'
import { ApiError } from '../../miniprogram/services/transport'
import type { ProductDetail, SkuView } from '../../typings/catalog'

function sku(id: string, specValues: string[], priceFen: number, available = 10, onSale = true): SkuView {
  return { _id: id, specValues, spec: specValues.join(' / '), priceFen, available, onSale }
}

function product(overrides: Partial<ProductDetail> = {}): ProductDetail {
  return {
    _id: 'p-tea',
    name: '明前龙井',
    categoryId: 'cat-tea',
    cover: 'cloud://env/tea.png',
    fromPriceFen: 16800,
    toPriceFen: 32000,
    soldOut: false,
    description: '头采',
    images: ['cloud://env/tea.png'],
    specNames: ['重量', '包装'],
    skus: [sku('s-250-can', ['250g', '罐装'], 16800, 120), sku('s-500-box', ['500g', '礼盒'], 32000, 40)],
    ...overrides,
  }
}

const chips = (p: ProductDetail, selection: Selection) => specRows(p, selection).map((r) => r.chips.map((c) => `${c.value}${c.selected ? '*' : ''}${c.disabled ? '!' : ''}`))

describe('spec picker', () => {
  test('one row per spec name, values in SKU order, all selectable before a choice', () => {
    const p = product()
    expect(specRows(p, emptySelection(p)).map((r) => r.name)).toEqual(['重量', '包装'])
    expect(chips(p, [null, null])).toEqual([['250g', '500g'], ['罐装', '礼盒']])
  })

  test('a choice disables the values of other specs that no SKU has with it', () => {
    const p = product()
    expect(chips(p, ['500g', null])).toEqual([['250g', '500g*'], ['罐装!', '礼盒']])
  })

  test('values of a SKU off sale or without units are disabled', () => {
    const p = product({ skus: [sku('a', ['250g', '罐装'], 16800, 0), sku('b', ['500g', '礼盒'], 32000, 5, false), sku('c', ['500g', '罐装'], 30000, 3)] })
    expect(chips(p, [null, null])).toEqual([['250g!', '500g'], ['罐装', '礼盒!']])
  })

  test('tapping a value chooses it, tapping it again unchooses it, a disabled one changes nothing', () => {
    const p = product()
    const one = toggleValue(p, [null, null], 0, '500g')
    expect(one).toEqual(['500g', null])
    expect(toggleValue(p, one, 1, '罐装')).toBe(one)
    const both = toggleValue(p, one, 1, '礼盒')
    expect(chosenSku(p, both)?._id).toBe('s-500-box')
    expect(toggleValue(p, both, 0, '500g')).toEqual([null, '礼盒'])
  })

  test('the chosen SKU exists only once every spec is chosen; a product without specs has its one SKU', () => {
    const p = product()
    expect(chosenSku(p, ['500g', null])).toBeUndefined()
    const soap = product({ specNames: [], skus: [sku('p-soap', [], 2800, 60)], fromPriceFen: 2800, toPriceFen: 2800 })
    expect(chosenSku(soap, [])?._id).toBe('p-soap')
  })
})

describe('price, stock and quantity', () => {
  test('the range before a choice, one price when all cost the same, the SKU price after', () => {
    const p = product()
    expect(priceText(p, undefined)).toBe('¥168.00 - ¥320.00')
    expect(priceText({ fromPriceFen: 2800, toPriceFen: 2800 }, undefined)).toBe('¥28.00')
    expect(priceText(p, p.skus[1])).toBe('¥320.00')
  })

  test('the ready view names what is still to choose, then the choice, its stock and the quantity bounds', () => {
    const p = product()
    const before = toDetailView(p, ['https://img/tea.png', ''], [null, null], 3)
    expect(before).toMatchObject({ status: 'ready', priceText: '¥168.00 - ¥320.00', choiceText: '请选择 重量、包装', stockText: '', chosenSkuId: '', quantity: 1, maxQuantity: 1, canAdd: false, images: ['https://img/tea.png'] })
    const after = toDetailView(p, [], ['500g', '礼盒'], 3)
    expect(after).toMatchObject({ priceText: '¥320.00', choiceText: '已选 500g / 礼盒', stockText: '库存 40 件', chosenSkuId: 's-500-box', quantity: 3, maxQuantity: 40, canAdd: true, soldOut: false })
    expect(toDetailView(p, [], ['500g', '礼盒'], 400).quantity).toBe(40)
  })

  test('a product with nothing left is sold out', () => {
    const p = product({ specNames: [], skus: [sku('x', [], 9900, 0)], fromPriceFen: 9900, toPriceFen: 9900 })
    expect(toDetailView(p, [], [], 1)).toMatchObject({ soldOut: true, canAdd: false, stockText: '已售罄', priceText: '¥99.00' })
  })

  test.each([
    [0, 5, 1],
    [3, 5, 3],
    [9, 5, 5],
    [2.7, 5, 2],
    [NaN, 5, 1],
    [4, 0, 1],
  ])('quantity %p with at most %p is %p', (q, max, expected) => {
    expect(clampQuantity(q, max)).toBe(expected)
  })
})

describe('errors and share paths', () => {
  test('a product missing or off sale is the not-found state; other failures say what happened in Chinese', () => {
    expect(toDetailErrorView(new ApiError('NOT_FOUND', 'product p-x'))).toMatchObject({ status: 'notFound', errorMessage: '商品不存在或已下架' })
    expect(toDetailErrorView(new Error('boom'))).toMatchObject({ status: 'error', errorMessage: '网络开小差了，请稍后重试' })
  })

  test('share paths carry the product and the code when there is one', () => {
    expect(sharePath('p-tea', 'Lin8shop')).toBe('/pages/product/detail/index?id=p-tea&ref=Lin8shop')
    expect(sharePath('p-tea')).toBe('/pages/product/detail/index?id=p-tea')
    expect(timelineQuery('p-tea', 'Lin8shop')).toBe('id=p-tea&ref=Lin8shop')
    expect(timelineQuery('p tea')).toBe('id=p%20tea')
  })
})

describe('cart store', () => {
  beforeEach(() => wx.clearStorageSync())

  test('adding merges into the SKU\'s line, newest first, capped by the limit', () => {
    let lines = addLine([], 'a', 2)
    lines = addLine(lines, 'b', 1)
    lines = addLine(lines, 'a', 5, 4)
    expect(lines).toEqual([{ skuId: 'a', quantity: 4 }, { skuId: 'b', quantity: 1 }])
    expect(addLine([], 'c', 500)).toEqual([{ skuId: 'c', quantity: MAX_LINE_QUANTITY }])
    expect(addLine([], 'c', 0)).toEqual([])
  })

  test('updating sets a quantity, 0 removes; removing drops the line', () => {
    const lines = [{ skuId: 'a', quantity: 2 }, { skuId: 'b', quantity: 1 }]
    expect(updateLine(lines, 'a', 7)).toEqual([{ skuId: 'a', quantity: 7 }, { skuId: 'b', quantity: 1 }])
    expect(updateLine(lines, 'a', 0)).toEqual([{ skuId: 'b', quantity: 1 }])
    expect(updateLine(lines, 'zz', 3)).toEqual(lines)
    expect(removeLine(lines, 'b')).toEqual([{ skuId: 'a', quantity: 2 }])
  })

  test('whatever storage holds is read as valid lines only', () => {
    expect(parseCart('')).toEqual([])
    expect(parseCart({ skuId: 'a' })).toEqual([])
    expect(parseCart([{ skuId: 'a', quantity: 2, price: 1 }, { skuId: '', quantity: 1 }, { skuId: 'b', quantity: -1 }, { skuId: 'a', quantity: 9 }, null, { skuId: 'c', quantity: 1.5 }])).toEqual([
      { skuId: 'a', quantity: 2 },
      { skuId: 'c', quantity: 1 },
    ])
  })

  test('the stored cart: add, list, update, remove', () => {
    addToCart('a', 2)
    addToCart('b', 1)
    expect(wx.getStorageSync(CART_STORAGE_KEY)).toEqual([{ skuId: 'b', quantity: 1 }, { skuId: 'a', quantity: 2 }])
    updateCartQuantity('a', 5)
    removeFromCart('b')
    expect(listCart()).toEqual([{ skuId: 'a', quantity: 5 }])
    expect(cartCount()).toBe(5)
  })
})
