/**
 * The home page end to end: page → catalog service → transport (wx.request, local mode) → a real
 * local cloud in a child process → the real `catalog` function → the seeded database.
 */
import './helpers/wx-harness'
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { loadPage, tap, textOf, textsOf } from './helpers/page-shim'
import { waitFor } from './helpers/wait'
import { REPO_ROOT, startLocalCloudProcess, writeFixtureFunctions, type LocalCloudProcess } from './helpers/local-cloud-process'
import { setTransportTarget } from '../../miniprogram/services/transport'

jest.setTimeout(60_000)

interface SeedProduct {
  _id: string
  name: string
  onSale: boolean
  sort: number
  images: string[]
}

interface SeedSku {
  productId: string
  priceFen: number
  onSale: boolean
}

const readSeed = <T>(name: string): T[] => JSON.parse(readFileSync(path.join(REPO_ROOT, `database/seed/${name}.json`), 'utf8')) as T[]

/** What the demo catalogue should show: products on sale by `sort`, from the lowest price of their SKUs on sale ("起" when they differ), priced independently of the app's formatter. */
function expectedCatalogue(): Array<{ name: string; price: string; from: boolean; cover: string }> {
  const skus = readSeed<SeedSku>('skus')
  return readSeed<SeedProduct>('products')
    .filter((p) => p.onSale === true)
    .sort((a, b) => a.sort - b.sort)
    .map((p) => {
      const prices = skus.filter((s) => s.productId === p._id && s.onSale).map((s) => s.priceFen)
      return { name: p.name, price: `¥${(Math.min(...prices) / 100).toFixed(2)}`, from: Math.max(...prices) > Math.min(...prices), cover: p.images[0] }
    })
}

let seeded: LocalCloudProcess
let unseeded: LocalCloudProcess
let broken: LocalCloudProcess
let fixtureDir: string

beforeAll(async () => {
  // a local cloud whose catalog function throws, as a function with a bug would
  fixtureDir = writeFixtureFunctions({ catalog: "exports.main = async () => { throw new Error('catalog is down') }\n" })
  ;[seeded, unseeded, broken] = await Promise.all([
    startLocalCloudProcess(),
    startLocalCloudProcess({ seed: false }),
    startLocalCloudProcess({ functionsDir: fixtureDir }),
  ])
})

afterAll(async () => {
  await Promise.all([seeded, unseeded, broken].map((c) => c?.stop()))
  rmSync(fixtureDir, { recursive: true, force: true })
})

describe('home page', () => {
  test('shows the products on sale from the seeded catalogue, in display order, with ¥ prices', async () => {
    setTransportTarget({ localCloudUrl: seeded.url })
    const page = await loadPage('pages/home/index')

    const expected = expectedCatalogue()
    expect(expected.length).toBeGreaterThan(0)
    expect(textsOf(page, '.product-name')).toEqual(expected.map((p) => p.name))
    expect(textsOf(page, '.product-price')).toEqual(expected.map((p) => p.price))
    expect(textsOf(page, '.product-meta').map((t) => t.replace(/\s+/g, ''))).toEqual(expected.map((p) => p.price + (p.from ? '起' : '')))
    expect(expected.some((p) => p.from)).toBe(true)
    // each card shows its cover, the product's first image (a cloud fileID <image> loads from storage)
    expect(page.querySelectorAll('.product-cover')).toHaveLength(expected.length)
    expect((page.data as { cards: Array<{ cover: string }> }).cards.map((c) => c.cover)).toEqual(expected.map((p) => p.cover))
    expect(textsOf(page, '.product-name')).not.toContain('去年的白茶（已下架）')
    expect(page.querySelector('.state')).toBeUndefined()
  })

  test('tapping a product card opens its product page', async () => {
    setTransportTarget({ localCloudUrl: seeded.url })
    const navigateTo = jest.spyOn(wx, 'navigateTo')
    const page = await loadPage('pages/home/index')
    tap(page, '.product-card', 2)
    await waitFor(() => navigateTo.mock.calls.length > 0, 'navigation')
    const third = (page.data as { cards: Array<{ id: string }> }).cards[2].id
    expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: `/pages/product/detail/index?id=${third}` }))
    navigateTo.mockRestore()
  })

  test('an empty catalogue shows the empty state', async () => {
    setTransportTarget({ localCloudUrl: unseeded.url })
    const page = await loadPage('pages/home/index')

    expect(textOf(page, '.state-empty')).toBe('暂无在售商品')
    expect(page.querySelectorAll('.product-card')).toHaveLength(0)
  })

  test('when the catalog function fails the page shows the error state, and retry recovers once the cloud answers', async () => {
    setTransportTarget({ localCloudUrl: broken.url })
    const page = await loadPage('pages/home/index')

    expect(page.querySelector('.state-error')).toBeDefined()
    expect(textOf(page, '.error-message')).toBe('商品加载失败，请稍后重试')
    expect(page.querySelectorAll('.product-card')).toHaveLength(0)

    setTransportTarget({ localCloudUrl: seeded.url })
    page.querySelector('.retry')!.dispatchEvent('tap')
    await waitFor(() => page.querySelectorAll('.product-card').length > 0, 'product cards')
    expect(textsOf(page, '.product-name')).toEqual(expectedCatalogue().map((p) => p.name))
  })

  test('an unreachable local cloud shows the error state', async () => {
    setTransportTarget({ localCloudUrl: 'http://127.0.0.1:9' })
    const page = await loadPage('pages/home/index')
    expect(page.querySelector('.state-error')).toBeDefined()
  })
})
