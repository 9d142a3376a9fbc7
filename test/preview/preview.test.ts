import { rpxToPx, scopeSelector, scopeWxss } from '../../preview/build/wxss'
import { collectManifest, pageRoutes } from '../../preview/build/bundle'
import fs from 'node:fs'
import { resolveUrl } from '../../preview/runtime/url'
import { PrepayLedger } from '../../preview/runtime/payments'
import path from 'node:path'

describe('preview WXSS', () => {
  test('750rpx is the 375 px frame; fractions and negatives are kept', () => {
    expect(rpxToPx('width: 750rpx; margin: -24rpx 1rpx 0.5rpx')).toBe('width: 375px; margin: -12px 0.5px 0.25px')
  })

  test('classes get the page prefix and `page` aims at the page root, pseudo-classes untouched', () => {
    expect(scopeSelector('.cell:last-child .cell-label', 'p', '.wx-page.p')).toBe('.p--cell:last-child .p--cell-label')
    expect(scopeSelector('page', 'p', '.wx-page.p')).toBe('.wx-page.p')
    expect(scopeSelector('view.a > text', 'p', 'R')).toBe('view.p--a > text')
  })

  test('rules inside @media are scoped, @keyframes pass through, comments go', () => {
    const css = scopeWxss('/* c */ .a{color:red} @media (min-width: 10px){ .b{width:750rpx} } @keyframes k{from{opacity:0}to{opacity:1}}', 'p', 'R')
    expect(css).toContain('.p--a{color:red}')
    expect(css).toContain('@media (min-width: 10px){.p--b{width:375px}')
    expect(css).toContain('@keyframes k{from{opacity:0}to{opacity:1}}')
    expect(css).not.toContain('/* c */')
  })
})

describe('preview manifest', () => {
  test('every page app.json lists, subpackages under their root, with their components', () => {
    const root = path.resolve(__dirname, '../../miniprogram')
    const app = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8'))
    const manifest = collectManifest(root)
    expect(manifest.pages.map((p) => p.route)).toEqual(pageRoutes(app))
    expect(pageRoutes({ pages: ['a/b'], subPackages: [{ root: 'sub', pages: ['x/index'] }] })).toEqual(['a/b', 'sub/x/index'])
    for (const page of manifest.pages) for (const component of Object.values(page.usingComponents)) expect(manifest.components.map((c) => c.path)).toContain(component)
  })
})

describe('preview wx shim, pure parts', () => {
  test('page URLs: absolute, relative to the current page, decoded query', () => {
    expect(resolveUrl('/pages/product/detail/index?id=p-1&ref=Lin8shop', 'pages/home/index')).toEqual({ route: 'pages/product/detail/index', query: { id: 'p-1', ref: 'Lin8shop' } })
    expect(resolveUrl('../customer/index?customerId=o%2Dx', 'seller/customers/index')).toEqual({ route: 'seller/customer/index', query: { customerId: 'o-x' } })
    expect(resolveUrl('./index?q=a%3Db', 'pages/home/index')).toEqual({ route: 'pages/home/index', query: { q: 'a=b' } })
  })

  test('a prepay_id maps to the order the orders function answered it with; nothing else is guessed', () => {
    const ledger = new PrepayLedger()
    ledger.note({ result: { ok: true, data: { order: { _id: 'order-1' }, payment: { package: 'prepay_id=wx1', paySign: 'x' } } } })
    ledger.note({ result: { ok: true, data: { orderId: 'order-2', payment: { package: 'prepay_id=wx2' } } } })
    ledger.note({ result: { ok: true, data: { payment: { package: 'prepay_id=wx3' } } } }) // no order beside it
    ledger.note({ result: { ok: true, data: { order: { _id: 'order-4' }, payment: { package: 'other=wx4' } } } })
    expect(ledger.orderOf('wx1')).toBe('order-1')
    expect(ledger.orderOf('wx2')).toBe('order-2')
    expect(ledger.orderOf('wx3')).toBeUndefined()
    expect(ledger.orderOf('wx4')).toBeUndefined()
  })
})
