/**
 * The seller area end to end: pages → services → transport (local mode) → a real local cloud in
 * a child process → the real `customers` and `referral` functions → the seeded database, with
 * customers bound by real share opens and scored by real payments.
 */
import './helpers/wx-harness'
import { loadPage, tap, textOf, textsOf, type LoadedPage } from './helpers/page-shim'
import { useLocalCloud } from './helpers/local-cloud-suite'
import { buyAndPay, dataAs, writeDocuments } from './helpers/cloud-http'
import { buildValueModel } from '../../domain/value'
import { waitFor } from './helpers/wait'
import { setTransportTarget } from '../../miniprogram/services/transport'

jest.setTimeout(120_000)

// a seller of this test's own, so the demo history's customers (Lin's and Zhou's) stay out of its lists
const SELLER = 'o-page-seller'
const SELLER_CODE = 'Page8sel'
const FRIENDS = 25
const friend = (i: number) => `o-page-friend-${String(i).padStart(2, '0')}`
const nickname = (i: number) => `茶友${String(i).padStart(2, '0')}`

const cloud = useLocalCloud({ target: { openid: SELLER }, clearStorage: false })

beforeAll(async () => {
  // the store's value model as the nightly refit would leave it: the platform prior rescaled to a
  // small store's spend
  const history = Array.from({ length: 12 }, (_, i) => ({
    customerId: `history-${i}`,
    firstPurchaseDay: '2026-06-01',
    lastPurchaseDay: i % 2 ? '2026-10-20' : '2026-06-01',
    repeatPurchaseDays: i % 2,
    firstDaySpendFen: 12000,
    repeatSpendFen: i % 2 ? 12000 : 0,
  }))
  const model = buildValueModel(history, new Date().toISOString().slice(0, 10))
  if (model.source !== 'prior') throw new Error(`expected a prior model, got ${model.source}`)
  writeDocuments(cloud.url, [
    { collection: 'settings', id: 'valueModel', doc: { model } },
    { collection: 'sellers', id: `s_${SELLER_CODE}`, doc: { openid: SELLER, shortCode: SELLER_CODE, status: 'active', name: '页面测试小店', createdAt: new Date().toISOString() } },
    { collection: 'shareCodes', id: SELLER_CODE, doc: { openid: SELLER } },
  ])
  // 24 people open the seller's card and set a nickname; the 25th comes through 茶友01's forwarded card
  for (let i = 1; i < FRIENDS; i++) {
    const opened = await dataAs(cloud.url, friend(i), 'referral', 'recordOpen', { openKey: `page-open-${i}-key`, sceneValue: 1007, ref: SELLER_CODE })
    if (!opened.bound) throw new Error(`friend ${i} was not bound: ${opened.reason}`)
    await dataAs(cloud.url, friend(i), 'profile', 'update', { nickname: nickname(i) })
  }
  const forwarded = await dataAs(cloud.url, friend(1), 'referral', 'shareCard', {})
  const last = await dataAs(cloud.url, friend(FRIENDS), 'referral', 'recordOpen', { openKey: `page-open-${FRIENDS}-key`, sceneValue: 1007, ref: forwarded.shortCode })
  if (!last.bound) throw new Error(`friend ${FRIENDS} was not bound: ${last.reason}`)
  await dataAs(cloud.url, friend(FRIENDS), 'profile', 'update', { nickname: nickname(FRIENDS) })
  await buyAndPay(cloud.url, friend(1), 'p-longjing', 1)
  await buyAndPay(cloud.url, friend(7), 'p-walnut', 2)
})

async function openMyCustomers(): Promise<LoadedPage> {
  const page = await loadPage('seller/customers/index')
  await waitFor(() => page.instance.data.status !== 'loading', 'first page')
  return page
}

const names = (page: LoadedPage) => textsOf(page, '.customer-name')


describe('My customers', () => {
  test('a seller sees their customers by value, the buyers first with their value in words', async () => {
    const page = await openMyCustomers()

    expect(page.querySelectorAll('.customer-card')).toHaveLength(20)
    expect(names(page).slice(0, 2).sort()).toEqual(['茶友01', '茶友07'])
    const values = textsOf(page, '.customer-value')
    expect(values).toHaveLength(2)
    for (const v of values) expect(v).toMatch(/^价值(约 \d+ 元|不到 1 元)$/)
    expect(textsOf(page, '.customer-purchases')).toContain('买过 1 次 · 共 ¥101.80') // two walnuts and shipping under the free threshold
    expect(textsOf(page, '.customer-purchases').filter((t) => t === '还没有下单')).toHaveLength(18)
    expect(textOf(page, '.list-end')).toBeUndefined()
  })

  test('scrolling to the bottom loads the next page with the cursor, then says there is no more', async () => {
    const page = await openMyCustomers()
    await (page.instance as unknown as { onReachBottom(): Promise<void> }).onReachBottom()
    await waitFor(() => !page.instance.data.loadingMore, 'second page')

    const all = names(page)
    expect(all).toHaveLength(25)
    expect(new Set(all).size).toBe(25)
    expect(all.sort()).toEqual(Array.from({ length: FRIENDS }, (_, i) => nickname(i + 1)))
    expect(textOf(page, '.list-end')).toBe('没有更多了')

    // another scroll asks for nothing more
    await (page.instance as unknown as { onReachBottom(): Promise<void> }).onReachBottom()
    expect(names(page)).toHaveLength(25)
  })

  test('searching by part of a nickname narrows the list', async () => {
    const page = await openMyCustomers()
    page.querySelector('.search-input')!.dispatchEvent('input', { detail: { value: '茶友1' } })
    tap(page, '.search-button')
    await waitFor(() => page.instance.data.status !== 'loading' && page.instance.data.nickname === '茶友1', 'search')

    expect(names(page).sort()).toEqual(['茶友10', '茶友11', '茶友12', '茶友13', '茶友14', '茶友15', '茶友16', '茶友17', '茶友18', '茶友19'])

    tap(page, '.search-clear')
    await waitFor(() => page.instance.data.status === 'ready' && page.instance.data.nickname === '', 'cleared')
    expect(names(page)).toHaveLength(20)
  })

  test('a search nobody matches shows the empty state', async () => {
    const page = await openMyCustomers()
    page.querySelector('.search-input')!.dispatchEvent('input', { detail: { value: '不存在的人' } })
    tap(page, '.search-button')
    await waitFor(() => page.instance.data.status === 'empty', 'empty result')
    expect(textOf(page, '.state-empty')).toBe('没有符合条件的客户')
  })

  test('a segment chip shows only that segment', async () => {
    const page = await openMyCustomers()
    const chips = textsOf(page, '.chip')
    tap(page, '.chip', chips.indexOf('新客户'))
    await waitFor(() => page.instance.data.segment === 'new' && page.instance.data.status !== 'loading', 'segment new')
    expect(names(page).sort()).toEqual(['茶友01', '茶友07'])
    expect(textsOf(page, '.chip-active')).toEqual(['新客户'])

    tap(page, '.chip', chips.indexOf('已流失'))
    await waitFor(() => page.instance.data.segment === 'lost' && page.instance.data.status !== 'loading', 'segment lost')
    expect(page.instance.data.status).toBe('empty')
  })

  test('sorting by spend puts the bigger spender first', async () => {
    const page = await openMyCustomers()
    const tabs = textsOf(page, '.sort-tab')
    tap(page, '.sort-tab', tabs.indexOf('消费最多'))
    await waitFor(() => page.instance.data.sort === 'spend' && page.instance.data.status === 'ready', 'sort by spend')
    // 龙井 ¥168 against two walnuts and shipping ¥101.80
    expect(names(page).slice(0, 2)).toEqual(['茶友01', '茶友07'])
    expect(textsOf(page, '.sort-tab-active')).toEqual(['消费最多'])
  })

  test('tapping a customer opens their page', async () => {
    const navigateTo = jest.spyOn(wx, 'navigateTo')
    const page = await openMyCustomers()
    tap(page, '.customer-card', names(page).indexOf('茶友01'))
    await waitFor(() => navigateTo.mock.calls.length > 0, 'navigation')
    expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: `/seller/customer/index?customerId=${friend(1)}` }))
    navigateTo.mockRestore()
  })

  test('someone who is not a seller gets the permission message, not a raw error', async () => {
    setTransportTarget({ openid: 'o-demo-customer-tian' })
    const page = await openMyCustomers()
    expect(page.instance.data.status).toBe('error')
    expect(textOf(page, '.error-message')).toBe('你没有权限进行此操作')
  })
})

describe('one customer', () => {
  test('the scores read as plain words, with the order and whom they brought in', async () => {
    const page = await loadPage('seller/customer/index', { customerId: friend(1) })
    await waitFor(() => page.instance.data.status !== 'loading', 'customer page')

    expect(textOf(page, '.name')).toContain('茶友01')
    expect(textOf(page, '.bound')).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 通过好友分享的卡片成为你的客户$/)
    const sentences = textsOf(page, '.sentence')
    expect(sentences).toContain('带来了 1 位顾客') // 茶友25 came through 茶友01's forwarded card
    expect(sentences.some((s) => /^价值(约 \d+ 元|不到 1 元)$/.test(s))).toBe(true)
    expect(sentences.some((s) => /再次购买|流失|不再购买/.test(s))).toBe(true)
    for (const s of sentences) expect(s).not.toMatch(/\d\.\d{2,}/) // no raw probabilities
    expect(textsOf(page, '.order-total')).toEqual(['¥168.00'])
    expect(textsOf(page, '.referred-name')).toEqual([nickname(FRIENDS)])
  })

  test('another seller\'s customer is not found', async () => {
    setTransportTarget({ openid: 'o-demo-seller-zhou' })
    const page = await loadPage('seller/customer/index', { customerId: friend(1) })
    await waitFor(() => page.instance.data.status !== 'loading', 'customer page')
    expect(textOf(page, '.error-message')).toBe('内容不存在或已下架')
  })
})

describe('owner', () => {
  test('the owner\'s list has every customer of the store, across sellers', async () => {
    setTransportTarget({ openid: 'o-demo-owner' })
    const page = await loadPage('owner/customers/index')
    await waitFor(() => page.instance.data.status !== 'loading', 'owner list')
    expect(page.instance.data.status).toBe('ready')
    // this test's seller's customer and the demo sellers' (美美 is Lin's, 阿晴 Zhou's) are all there
    for (const who of ['茶友07', '美美', '阿晴']) {
      page.querySelector('.search-input')!.dispatchEvent('input', { detail: { value: who } })
      tap(page, '.search-button')
      await waitFor(() => page.instance.data.status !== 'loading' && page.instance.data.nickname === who, `search ${who}`)
      expect(names(page)).toEqual([who])
    }
  })
})
