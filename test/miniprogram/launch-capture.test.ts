/**
 * App launch: a share card, group card, mini program code or Moments open captured from the
 * launch options and recorded through the real `referral.recordOpen` on a local cloud, once per
 * open key, surviving a failed call and a page opened before the answer.
 */
import './helpers/wx-harness'
import http from 'node:http'
import { loadPage, textOf } from './helpers/page-shim'
import { useLocalCloud } from './helpers/local-cloud-suite'
import { dataAs, issueGroupCloudId, recordOpenAs } from './helpers/cloud-http'
import { waitFor } from './helpers/wait'
import { setTransportTarget } from '../../miniprogram/services/transport'
import { captureShareOpen, PENDING_OPEN_KEY, type PendingOpen } from '../../miniprogram/launch/record-share-open'

jest.setTimeout(120_000)

const LIN = 'o-demo-seller-lin'
const cloud = useLocalCloud()

/** Share opens recorded so far (the local cloud's document count). */
function shareOpens(): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`${cloud.url}/_local/database`, (res) => {
        let text = ''
        res.on('data', (c: Buffer) => (text += c.toString('utf8')))
        res.on('end', () => {
          const body = JSON.parse(text) as { collections: Record<string, number> }
          resolve(body.collections.shareOpens ?? 0)
        })
      })
      .on('error', reject)
  })
}

const pending = () => (wx.getStorageSync(PENDING_OPEN_KEY) || null) as PendingOpen | null

async function sellerOf(openid: string): Promise<string | undefined> {
  const { binding } = await dataAs(cloud.url, openid, 'referral', 'myBinding', {})
  return binding?.sellerId
}

test('a new identity opening a seller\'s card (1007) is bound to that seller, and the cold start\'s onShow records nothing more', async () => {
  setTransportTarget({ openid: 'o-launch-chat' })
  const before = await shareOpens()
  const launch = { scene: 1007, query: { ref: 'Lin8shop' }, path: 'pages/home/index' }

  const [onLaunch, onShow] = await Promise.all([captureShareOpen(launch), captureShareOpen(launch)])

  expect(onLaunch).toMatchObject({ bound: true, sellerId: 's_Lin8shop', channel: 'chat' })
  expect(onShow === null || onShow === onLaunch).toBe(true)
  expect(await captureShareOpen(launch)).toBeNull() // a later show of the same entry
  expect(await shareOpens()).toBe(before + 1)
  expect(pending()).toBeNull()
  expect(await sellerOf('o-launch-chat')).toBe('s_Lin8shop')
  // Lin now sees them among her customers (the demo history fills her first pages by value)
  const { customer } = await dataAs(cloud.url, LIN, 'customers', 'detail', { customerId: 'o-launch-chat' })
  expect(customer.customerId).toBe('o-launch-chat')
})

test('a mini program code (1047) gives the sharer through the decoded scene', async () => {
  setTransportTarget({ openid: 'o-launch-code' })
  const result = await captureShareOpen({ scene: 1047, query: { scene: encodeURIComponent('Zhou5tea~p-walnut') } })
  expect(result).toMatchObject({ bound: true, sellerId: 's_Zhou5tea', channel: 'code' })
})

test('a group card (1044 with shareTicket) is attributed to the group the platform resolves from the cloudID', async () => {
  const cloudID = await issueGroupCloudId(cloud.url, 'G-launch-tea')
  const harnessWx = wx as unknown as Record<string, unknown>
  const original = harnessWx.getGroupEnterInfo
  harnessWx.getGroupEnterInfo = (options: { success(res: { cloudID: string; errMsg: string }): void }) => options.success({ cloudID, errMsg: 'getGroupEnterInfo:ok' })
  try {
    setTransportTarget({ openid: 'o-launch-group' })
    const result = await captureShareOpen({ scene: 1044, query: { ref: 'Lin8shop' }, shareTicket: 'ticket-g' })
    expect(result).toMatchObject({ bound: true, channel: 'group' })
  } finally {
    harnessWx.getGroupEnterInfo = original
  }
  const { binding } = await dataAs(cloud.url, 'o-launch-group', 'referral', 'myBinding', {})
  expect(binding?.source).toEqual({ code: 'Lin8shop', scene: 1044, groupId: 'G-launch-tea' })
})

test('Moments (1154) opens without an identity: the open is recorded, nobody is bound', async () => {
  setTransportTarget({ openid: null })
  const before = await shareOpens()
  const result = await captureShareOpen({ scene: 1154, query: { ref: 'Lin8shop' } })
  expect(result).toMatchObject({ bound: false, reason: 'anonymous', channel: 'moments' })
  expect(await shareOpens()).toBe(before + 1)
})

test('a call that fails stays pending with its open key; the next show sends the same key and it is recorded once', async () => {
  setTransportTarget({ openid: 'o-launch-retry', localCloudUrl: 'http://127.0.0.1:9' })
  const before = await shareOpens()
  expect(await captureShareOpen({ scene: 1007, query: { ref: 'Lin8shop', id: 'p-soap' } })).toBeNull()
  const kept = pending()
  expect(kept?.request).toMatchObject({ sceneValue: 1007, ref: 'Lin8shop', productId: 'p-soap' })
  expect(kept!.request.openKey).toMatch(/^[0-9A-Za-z_-]{8,64}$/)

  // the first call did reach the function, only its answer was lost
  setTransportTarget({ localCloudUrl: cloud.url })
  await recordOpenAs(cloud.url, 'o-launch-retry', kept!.request)
  expect(await shareOpens()).toBe(before + 1)

  // a later show (no share in it) retries what is pending, with the same key
  const retried = await captureShareOpen({ scene: 1001, query: {} })
  expect(retried).toMatchObject({ bound: true, sellerId: 's_Lin8shop' })
  expect(await shareOpens()).toBe(before + 1)
  expect(pending()).toBeNull()
})

test('an open the function refuses is not retried forever', async () => {
  setTransportTarget({ openid: 'o-launch-refused' })
  const before = await shareOpens()
  // well-formed for the client, but it names no share code (the function answers INVALID_INPUT)
  expect(await captureShareOpen({ scene: 1048, query: { scene: '~~~' } })).toBeNull()
  expect(pending()).toBeNull()
  expect(await shareOpens()).toBe(before)
})

test('a page opened before the answer arrives still sees the binding (Me waits for the launch open)', async () => {
  setTransportTarget({ openid: 'o-launch-hurry' })
  void captureShareOpen({ scene: 1007, query: { ref: 'Lin8shop', id: 'p-jujube' } }) // the app does not wait
  const page = await loadPage('pages/me/index')
  await waitFor(() => page.instance.data.status !== 'loading', 'me page')
  expect(textOf(page, '.binding-text')).toBe('你的专属推荐人：林姐的茶铺')
})

test('a malformed share in the options records nothing', async () => {
  setTransportTarget({ openid: 'o-launch-junk' })
  const before = await shareOpens()
  expect(await captureShareOpen({ scene: 1007, query: { ref: '<script>' } })).toBeNull()
  expect(await captureShareOpen({ scene: 1047, query: { scene: '%E0%A4%A' } })).toBeNull()
  expect(await shareOpens()).toBe(before)
  expect(pending()).toBeNull()
})

test('the app records the launch\'s share from onLaunch, and a hot start from another card from onShow', async () => {
  let app: { onLaunch(o: object): void; onShow(o: object): void } | undefined
  const globals = globalThis as unknown as { App?: (o: typeof app) => void }
  globals.App = (options) => (app = options)
  try {
    require('../../miniprogram/app') // the same module registry as the transport this test points
  } finally {
    delete globals.App
  }
  setTransportTarget({ openid: 'o-launch-app' })
  const before = await shareOpens()
  const cold = { scene: 1008, query: { ref: 'Zhou5tea', id: 'p-pu-erh' }, path: 'pages/product/detail/index' }
  app!.onLaunch(cold)
  app!.onShow(cold)
  await waitForCount(before + 1)
  expect(await sellerOf('o-launch-app')).toBe('s_Zhou5tea')

  app!.onShow({ scene: 1007, query: { ref: 'Lin8shop', id: 'p-pu-erh' } }) // back from the background through Lin's card
  await waitForCount(before + 2)
  expect(await shareOpens()).toBe(before + 2)
})

async function waitForCount(count: number): Promise<void> {
  const deadline = Date.now() + 15_000
  while ((await shareOpens()) < count) {
    if (Date.now() > deadline) throw new Error(`share opens never reached ${count}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
