import { formatFen } from '../../miniprogram/utils/money'
import { toHomeErrorView, toHomeView, toProductCard } from '../../miniprogram/pages/home/home-view'
import { ApiError } from '../../miniprogram/services/transport'
import type { ProductSummary } from '../../typings/catalog'

function makeProduct(overrides: Partial<ProductSummary> = {}): ProductSummary {
  return { _id: 'p-tea', name: '明前龙井', categoryId: 'cat-tea', cover: 'cloud://env.bucket/p/tea.png', fromPriceFen: 1990, toPriceFen: 1990, soldOut: false, ...overrides }
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
  test('a product becomes a card with its name, cover and formatted price', () => {
    expect(toProductCard(makeProduct())).toEqual({ id: 'p-tea', name: '明前龙井', priceText: '¥19.90', priceFrom: false, cover: 'cloud://env.bucket/p/tea.png', soldOut: false })
  })

  test('SKUs at different prices read "from" the lowest; a sold-out product says so; no cover is an empty src', () => {
    expect(toProductCard(makeProduct({ fromPriceFen: 4590, toPriceFen: 10900, soldOut: true, cover: null }))).toEqual({ id: 'p-tea', name: '明前龙井', priceText: '¥45.90', priceFrom: true, cover: '', soldOut: true })
  })

  test('products on sale make a ready view, in the order the service gave them, with the next page’s cursor', () => {
    const view = toHomeView({ products: [makeProduct({ _id: 'a', name: 'A', fromPriceFen: 100, toPriceFen: 100 }), makeProduct({ _id: 'b', name: 'B', fromPriceFen: 250, toPriceFen: 250 })], nextCursor: 'c1' })
    expect(view).toMatchObject({ status: 'ready', errorMessage: '', nextCursor: 'c1' })
    expect(view.cards.map((c) => [c.id, c.name, c.priceText])).toEqual([
      ['a', 'A', '¥1.00'],
      ['b', 'B', '¥2.50'],
    ])
  })

  test('a later page appends to the cards already shown', () => {
    const first = toHomeView({ products: [makeProduct({ _id: 'a' })], nextCursor: 'c1' })
    const second = toHomeView({ products: [makeProduct({ _id: 'b' })], nextCursor: null }, first.cards)
    expect(second.cards.map((c) => c.id)).toEqual(['a', 'b'])
    expect(second.nextCursor).toBeNull()
  })

  test('no products make the empty view', () => {
    expect(toHomeView({ products: [], nextCursor: null })).toEqual({ status: 'empty', cards: [], errorMessage: '', nextCursor: null })
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
