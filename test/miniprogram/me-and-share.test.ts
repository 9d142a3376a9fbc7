/**
 * The Me page and the seller's share page end to end on a real local cloud: profile (nickname,
 * avatar upload, phone), becoming a seller, the entries by role, the privacy popup, the share
 * card and poster code, and a friend opening the shared card getting bound to the seller.
 */
import './helpers/wx-harness'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { tap, textOf, textsOf, type LoadedPage } from './helpers/page-shim'
import { openPageAs, useLocalCloud } from './helpers/local-cloud-suite'
import { dataAs, writeDocuments } from './helpers/cloud-http'
import { waitFor } from './helpers/wait'
import { setTransportTarget, uploadFile } from '../../miniprogram/services/transport'
import { captureShareOpen } from '../../miniprogram/launch/record-share-open'

jest.setTimeout(120_000)

/** A 1x1 PNG, as the avatar chooser would hand over a temp file. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')

const cloud = useLocalCloud()
let tmp: string
const harnessWx = wx as unknown as Record<string, unknown>

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'mp-avatar-'))
})

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

const openMe = (openid: string): Promise<LoadedPage> => openPageAs(openid, 'pages/me/index')

const settle = (page: LoadedPage) => waitFor(() => !page.instance.data.saving, 'saving')


describe('Me', () => {
  test('a newcomer sets a nickname with the nickname input; it is saved through the profile function', async () => {
    const page = await openMe('o-me-newcomer')
    expect(textOf(page, '.profile-name')).toBe('未设置昵称')

    page.querySelector('.nickname-input')!.dispatchEvent('input', { detail: { value: '  小茶  ' } })
    tap(page, '.save-nickname')
    await waitFor(() => page.instance.data.nickname === '小茶', 'nickname saved')
    await settle(page)

    expect(textOf(page, '.profile-name')).toBe('小茶')
    expect((await dataAs(cloud.url, 'o-me-newcomer', 'profile', 'get', {})).profile.nickname).toBe('小茶')
  })

  test('an empty nickname is refused on the page with a Chinese hint and nothing is sent', async () => {
    const toast = jest.spyOn(wx, 'showToast')
    const page = await openMe('o-me-blank')
    page.querySelector('.nickname-input')!.dispatchEvent('input', { detail: { value: '   ' } })
    tap(page, '.save-nickname')
    await waitFor(() => toast.mock.calls.length > 0, 'toast')
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '昵称需为 1-32 个字' }))
    expect((await dataAs(cloud.url, 'o-me-blank', 'profile', 'get', {})).profile.nickname).toBeUndefined()
    toast.mockRestore()
  })

  test('the avatar chooser\'s file is uploaded to cloud storage and shown', async () => {
    const file = path.join(tmp, 'chosen.png')
    writeFileSync(file, PNG)
    const page = await openMe('o-me-avatar')
    expect(page.querySelector('.avatar-placeholder')).toBeDefined()

    page.querySelector('.avatar-button')!.dispatchEvent('chooseavatar', { detail: { avatarUrl: file } })
    await waitFor(() => page.instance.data.avatarSrc !== '', 'avatar shown')
    await settle(page)

    const { profile } = await dataAs(cloud.url, 'o-me-avatar', 'profile', 'get', {})
    expect(profile.avatarUrl).toMatch(/^cloud:\/\/.+\/avatars\/.+\.png$/)
    expect(page.instance.data.avatarSrc).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)
    expect(page.querySelector('.avatar-placeholder')).toBeUndefined()
  })

  test('a phone number is optional: saved, then cleared', async () => {
    const page = await openMe('o-me-phone')
    page.querySelector('.phone-input')!.dispatchEvent('input', { detail: { value: '13800138000' } })
    tap(page, '.save-phone')
    await waitFor(() => page.instance.data.phone === '13800138000', 'phone saved')
    await settle(page)
    expect((await dataAs(cloud.url, 'o-me-phone', 'profile', 'get', {})).profile.phone).toBe('13800138000')

    page.querySelector('.phone-input')!.dispatchEvent('input', { detail: { value: '' } })
    tap(page, '.save-phone')
    await waitFor(() => page.instance.data.phone === '', 'phone cleared')
    await settle(page)
    expect((await dataAs(cloud.url, 'o-me-phone', 'profile', 'get', {})).profile.phone).toBeUndefined()
  })

  test('a shopper applies to become a seller and sees the application waiting for the owner', async () => {
    const page = await openMe('o-me-applicant')
    expect(page.querySelector('.entry-customers')).toBeUndefined()
    page.querySelector('.apply-name')!.dispatchEvent('input', { detail: { value: '阿茶的店' } })
    tap(page, '.apply')
    await waitFor(() => page.instance.data.sellerState === 'pending', 'application pending')
    expect(textOf(page, '.seller-pending')).toContain('审核中')
    expect(textOf(page, '.seller-pending')).toContain('阿茶的店')
    expect(page.querySelector('.entry-customers')).toBeUndefined()
  })

  test('an active seller gets the entries to My customers and sharing; only the owner gets the owner area', async () => {
    const seller = await openMe('o-demo-seller-lin')
    expect(textOf(seller, '.entry-customers')).toBe('我的客户')
    expect(seller.querySelector('.entry-share')).toBeDefined()
    expect(seller.querySelector('.entry-owner-hub')).toBeUndefined()

    const owner = await openMe('o-demo-owner')
    expect(textOf(owner, '.entry-owner-hub')).toBe('店主后台')
  })

  test('when WeChat asks for privacy authorization the popup shows; agreeing answers with the agree button', async () => {
    let ask: ((resolve: (r: unknown) => void) => void) | undefined
    harnessWx.onNeedPrivacyAuthorization = (listener: typeof ask) => (ask = listener)
    try {
      const page = await openMe('o-me-privacy')
      const popup = page.querySelector('#privacy')!
      expect(popup.querySelector('.privacy-mask')).toBeUndefined()
      const answers: unknown[] = []
      ask!((r) => answers.push(r))
      await waitFor(() => popup.querySelector('.privacy-mask') !== undefined, 'popup')
      expect(popup.querySelector('.privacy-link')?.dom?.textContent).toBe('《用户隐私保护指引》')
      popup.querySelector('.privacy-agree')!.dispatchEvent('agreeprivacyauthorization')
      await waitFor(() => answers.length > 0, 'answer')
      expect(answers).toEqual([{ event: 'agree', buttonId: 'agree-privacy' }])
      await waitFor(() => popup.querySelector('.privacy-mask') === undefined, 'popup closed')
    } finally {
      delete harnessWx.onNeedPrivacyAuthorization
    }
  })
})

describe('share', () => {
  interface SharePage {
    onShareAppMessage(): { title: string; path: string; imageUrl?: string; promise?: Promise<{ title: string; path: string; imageUrl?: string }> }
    onShareTimeline(): { title: string; query: string }
    onSavePoster(): Promise<void>
  }

  const openShare = (openid: string, query: Record<string, string> = {}): Promise<LoadedPage> => openPageAs(openid, 'seller/share/index', query)

  /** Lin's shares made today (the funnel's count, by channel). */
  async function linSharesToday() {
    const { funnel } = await dataAs(cloud.url, 'o-demo-seller-lin', 'referral', 'funnel', {})
    return funnel.total.sharesByChannel
  }

  test('the seller\'s card carries their code; the share menu allows group tickets and Moments', async () => {
    const before = await linSharesToday()
    const showShareMenu = jest.spyOn(wx, 'showShareMenu')
    const page = await openShare('o-demo-seller-lin')
    expect(showShareMenu).toHaveBeenCalledWith(expect.objectContaining({ withShareTicket: true, menus: ['shareAppMessage', 'shareTimeline'] }))
    showShareMenu.mockRestore()

    expect(textOf(page, '.share-code')).toContain('Lin8shop')
    expect(page.instance.data.codeImage).toBe('') // the poster's code is asked for when a poster is made
    expect(await linSharesToday()).toEqual(before) // looking at the page shares nothing
    const share = page.instance as unknown as SharePage
    const card = share.onShareAppMessage()
    expect(card).toMatchObject({ path: '/pages/home/index?ref=Lin8shop' })
    expect(await card.promise).toMatchObject({ path: '/pages/home/index?ref=Lin8shop' }) // the function's card, which records the share
    expect(await linSharesToday()).toEqual({ ...before, card: before.card + 1 })
    expect(share.onShareTimeline()).toEqual({ title: page.instance.data.title, query: 'ref=Lin8shop' })
  })

  test('a product card names the product and price, and its paths carry the product and the code', async () => {
    const page = await openShare('o-demo-seller-lin', { productId: 'p-longjing' })
    expect(textOf(page, '.share-title')).toBe('明前龙井')
    expect(textOf(page, '.share-price')).toBe('¥168.00')
    const share = page.instance as unknown as SharePage
    const card = share.onShareAppMessage()
    expect(card).toMatchObject({ title: '明前龙井', path: '/pages/product/detail/index?id=p-longjing&ref=Lin8shop' })
    expect(await card.promise).toMatchObject({ title: '明前龙井', path: '/pages/product/detail/index?id=p-longjing&ref=Lin8shop' })
    expect(share.onShareTimeline().query).toBe('ref=Lin8shop&id=p-longjing')
  })

  test('a friend who opens the shared card is bound to the seller and shows up in My customers', async () => {
    const page = await openShare('o-demo-seller-zhou')
    const card = (page.instance as unknown as SharePage).onShareAppMessage()
    const query = Object.fromEntries(new URL(card.path, 'https://x').searchParams)

    setTransportTarget({ openid: 'o-share-friend' })
    const opened = await captureShareOpen({ scene: 1007, query, path: card.path.slice(1).split('?')[0] } as never)
    expect(opened).toMatchObject({ bound: true, sellerId: 's_Zhou5tea' })

    const { customers } = await dataAs(cloud.url, 'o-demo-seller-zhou', 'customers', 'list', { sort: 'recency' })
    expect(customers.map((c) => c.customerId)).toContain('o-share-friend')
  })

  test('without privacy consent the poster is not saved to the album', async () => {
    const toast = jest.spyOn(wx, 'showToast')
    const save = jest.spyOn(wx, 'saveImageToPhotosAlbum')
    harnessWx.requirePrivacyAuthorize = (o: { fail(): void }) => o.fail()
    try {
      const page = await openShare('o-demo-seller-lin')
      await (page.instance as unknown as SharePage).onSavePoster()
      expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '需要允许保存到相册' }))
      expect(save).not.toHaveBeenCalled()
    } finally {
      delete harnessWx.requirePrivacyAuthorize
      toast.mockRestore()
      save.mockRestore()
    }
  })

  test('the poster is drawn with the product image, name, price and the seller\'s code, and saved after consent and authorization', async () => {
    const drawn: Array<[string, ...unknown[]]> = []
    const ctx = {
      scale: (...a: unknown[]) => drawn.push(['scale', ...a]),
      fillRect: (...a: unknown[]) => drawn.push(['fillRect', ...a]),
      fillText: (...a: unknown[]) => drawn.push(['fillText', ...a]),
      drawImage: (image: { src: string }, ...a: unknown[]) => drawn.push(['drawImage', image.src, ...a]),
      font: '',
      fillStyle: '',
    }
    const canvas = {
      width: 0,
      height: 0,
      getContext: () => ctx,
      createImage: () => {
        const image = { src: '', onload: () => {}, onerror: () => {} }
        return new Proxy(image, {
          set(target, key, value) {
            ;(target as Record<string | symbol, unknown>)[key] = value
            if (key === 'src') setTimeout(() => target.onload(), 0)
            return true
          },
        })
      },
    }
    const calls: string[] = []
    const stubs: Record<string, unknown> = {
      createSelectorQuery: () => ({ select: () => ({ fields: () => ({ exec: (cb: (res: unknown[]) => void) => cb([{ node: canvas, width: 300 }]) }) }) }),
      requirePrivacyAuthorize: (o: { success(): void }) => (calls.push('privacy'), o.success()),
      getSetting: (o: { success(r: unknown): void }) => o.success({ authSetting: {} }),
      authorize: (o: { scope: string; success(): void }) => (calls.push(`authorize ${o.scope}`), o.success()),
      canvasToTempFilePath: (o: { canvas: unknown; success(r: unknown): void }) => (calls.push(o.canvas === canvas ? 'export poster' : 'export ?'), o.success({ tempFilePath: 'wxfile://poster.png' })),
      saveImageToPhotosAlbum: (o: { filePath: string; success(r: unknown): void }) => (calls.push(`save ${o.filePath}`), o.success({})),
    }
    // the product gets a photo, as the owner would upload it
    const photo = path.join(tmp, 'longjing.png')
    writeFileSync(photo, PNG)
    setTransportTarget({ openid: 'o-demo-owner' })
    const photoId = await uploadFile('products/p-soap/cover.png', photo)
    writeDocuments(cloud.url, [{ collection: 'products', id: 'p-soap', doc: { images: [photoId] }, update: true }])

    const originals = Object.fromEntries(Object.keys(stubs).map((k) => [k, harnessWx[k]]))
    Object.assign(harnessWx, stubs)
    try {
      const before = await linSharesToday()
      const page = await openShare('o-demo-seller-lin', { productId: 'p-soap' })
      expect(await linSharesToday()).toEqual(before)
      await (page.instance as unknown as SharePage).onSavePoster()
      expect(await linSharesToday()).toEqual({ ...before, code: before.code + 1 }) // the poster's code, asked for once it is made

      expect(calls).toEqual(['privacy', 'authorize scope.writePhotosAlbum', 'export poster', 'save wxfile://poster.png'])
      const texts = drawn.filter(([op]) => op === 'fillText').map(([, text]) => text)
      expect(texts).toEqual(['手工山茶油皂', '¥28.00', '长按识别小程序码'])
      const images = drawn.filter(([op]) => op === 'drawImage').map(([, src]) => src)
      expect(page.instance.data.productImage).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*cover\.png/)
      expect(images).toEqual([page.instance.data.productImage, page.instance.data.codeImage])
      expect(canvas.width).toBe(300 * 3) // drawn at the screen's pixel ratio
    } finally {
      Object.assign(harnessWx, originals)
    }
  })

  test('a product taken off sale: the seller gets the not-found state, nothing to share and no share recorded', async () => {
    const before = await linSharesToday()
    const page = await openShare('o-demo-seller-lin', { productId: 'p-retired' })
    expect(page.instance.data.status).toBe('error')
    expect(textOf(page, '.error-message')).toBe('内容不存在或已下架')
    expect(page.querySelector('.share-button')).toBeUndefined()
    expect(await linSharesToday()).toEqual(before)
  })

  test('someone who is not a seller yet still gets a card with their own code (anyone may forward)', async () => {
    const page = await openShare('o-demo-customer-tian')
    expect(page.instance.data.status).toBe('ready')
    expect(page.instance.data.shortCode).toMatch(/^[0-9A-Za-z]{4,16}$/)
  })

  test('opened from Moments by someone else, the page shows the store\'s product, not the seller\'s tools', async () => {
    const page = await openShare('o-share-visitor', { ref: 'Lin8shop', id: 'p-walnut' })
    expect(textOf(page, '.share-title')).toBe('纸皮核桃')
    expect(textOf(page, '.share-price')).toBe('¥45.90')
    expect(page.querySelector('.share-button')).toBeUndefined()
    expect(textsOf(page, '.save-poster')).toEqual([])
    // shared on to Moments, it still names the original sharer
    expect((page.instance as unknown as SharePage).onShareTimeline().query).toBe('ref=Lin8shop&id=p-walnut')
  })
})
