import { formatFen } from '../../miniprogram/utils/money'
import { toHomeErrorView, toHomeView, toProductCard } from '../../miniprogram/pages/home/home-view'
import { ApiError } from '../../miniprogram/services/transport'
import type { ProductSummary } from '../../typings/catalog'

function makeProduct(overrides: Partial<ProductSummary> = {}): ProductSummary {
  return { _id: 'p-tea', name: '明前龙井', priceFen: 1990, images: [], ...overrides }
}

describe('formatFen: integer fen shown as yuan', () => {
  test.each([
    [1990, '¥19.90'],
    [100, '¥1.00'],
    [5, '¥0.05'],
    [0, '¥0.00'],
    [123456789, '¥1234567.89'],
    [-1990, '-¥19.90'],
  ])('%d fen reads %s', (fen, text) => {
    expect(formatFen(fen)).toBe(text)
  })

  test.each([19.9, NaN, Infinity, 2 ** 53])('%p is not a whole number of fen and is refused', (fen) => {
    expect(() => formatFen(fen)).toThrow(RangeError)
  })
})

describe('home page view', () => {
  test('a product becomes a card with its name and formatted price', () => {
    expect(toProductCard(makeProduct())).toEqual({ id: 'p-tea', name: '明前龙井', priceText: '¥19.90' })
  })

  test('products on sale make a ready view, in the order the service gave them', () => {
    const view = toHomeView([makeProduct({ _id: 'a', name: 'A', priceFen: 100 }), makeProduct({ _id: 'b', name: 'B', priceFen: 250 })])
    expect(view).toEqual({
      status: 'ready',
      cards: [
        { id: 'a', name: 'A', priceText: '¥1.00' },
        { id: 'b', name: 'B', priceText: '¥2.50' },
      ],
      errorMessage: '',
    })
  })

  test('no products make the empty view', () => {
    expect(toHomeView([])).toEqual({ status: 'empty', cards: [], errorMessage: '' })
  })

  test('a failure makes the error view; a missing login is told apart from other failures', () => {
    const internal = toHomeErrorView(new ApiError('INTERNAL', 'boom'))
    const unauthenticated = toHomeErrorView(new ApiError('UNAUTHENTICATED', 'no openid'))
    const unexpected = toHomeErrorView(new TypeError('x is undefined'))
    expect(internal.status).toBe('error')
    expect(internal.cards).toEqual([])
    expect(unexpected).toEqual(internal)
    expect(unauthenticated.status).toBe('error')
    expect(unauthenticated.errorMessage).not.toBe(internal.errorMessage)
  })
})
