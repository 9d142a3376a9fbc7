/**
 * The `wx` the preview gives the real pages, in one module. Callback-style APIs call
 * success/fail/complete as WeChat does (and answer a promise when none is given); anything not
 * here answers its fail callback with `<api>:fail not supported in the browser preview` (and
 * warns once), so a page never hangs on it. No `wx.cloud`: the transport runs in local mode
 * (miniprogram/services/transport.ts) and reaches the local cloud through `wx.request`.
 */
import * as overlays from './overlays'
import * as router from './router'
import { identity, launchOptions, storagePrefix, relaunchApp } from './session'
import { canvasNode } from './builtins'
import { PrepayLedger } from './payments'

const prepayLedger = new PrepayLedger()

type Options = Record<string, unknown> & { success?: (res: unknown) => void; fail?: (err: unknown) => void; complete?: (res: unknown) => void }
type Api = (options?: Options) => unknown

/** Runs a page's callback; what it throws is reported as WeChat reports it, never swallowed. */
function callBack(name: string, fn: ((res: unknown) => void) | undefined, res: unknown): void {
  if (!fn) return
  try {
    fn(res)
  } catch (err) {
    console.error(`[preview] a callback of wx.${name} threw`, err)
  }
}

/** The `{errMsg: '<api>:fail <reason>', ...}` object a failed API hands to fail/complete. */
function failure(name: string, err: unknown): Record<string, unknown> {
  const reason = err instanceof Error ? err.message : typeof err === 'string' ? err : ((err as { errMsg?: string })?.errMsg ?? 'fail')
  const extra = typeof err === 'object' && err !== null && !(err instanceof Error) ? err : {}
  return { ...extra, errMsg: reason.startsWith(`${name}:fail`) ? reason : `${name}:fail ${reason}` }
}

/** Calls the callbacks of `options` with what `run` resolves or throws; answers a promise when no callback is given. */
function asyncApi(name: string, run: (options: Options) => unknown | Promise<unknown>): Api {
  return (options: Options = {}) => {
    const usesCallbacks = typeof options.success === 'function' || typeof options.fail === 'function' || typeof options.complete === 'function'
    const outcome = Promise.resolve().then(() => run(options))
    if (!usesCallbacks) return outcome.then((result) => ({ errMsg: `${name}:ok`, ...(result as object | undefined) }), (err) => Promise.reject(failure(name, err)))
    outcome.then(
      (result) => {
        const res = { errMsg: `${name}:ok`, ...(result as object | undefined) }
        callBack(name, options.success, res)
        callBack(name, options.complete, res)
      },
      (err: unknown) => {
        const res = failure(name, err)
        callBack(name, options.fail, res)
        callBack(name, options.complete, res)
      },
    )
    return undefined
  }
}

function navigation(name: string, go: (url: string) => void): Api {
  return asyncApi(name, (options) => {
    go(String(options.url ?? ''))
    return {}
  })
}

// ---- storage: localStorage, one namespace per identity (each identity is its own phone) -----------

function storageKey(key: string): string {
  return `${storagePrefix()}${key}`
}

function storageKeys(): string[] {
  const prefix = storagePrefix()
  const keys: string[] = []
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i)
    if (k?.startsWith(prefix)) keys.push(k.slice(prefix.length))
  }
  return keys
}

function getStorageSync(key: string): unknown {
  const text = localStorage.getItem(storageKey(key))
  return text === null ? '' : JSON.parse(text)
}

function setStorageSync(key: string, value: unknown): void {
  if (value === undefined) return
  localStorage.setItem(storageKey(key), JSON.stringify(value))
}

function removeStorageSync(key: string): void {
  localStorage.removeItem(storageKey(key))
}

function clearStorageSync(): void {
  for (const key of storageKeys()) localStorage.removeItem(storageKey(key))
}

// ---- request -------------------------------------------------------------------------------------

interface RequestTask {
  abort(): void
}

/**
 * wx.request over fetch: success for any HTTP status, fail only when no answer arrives. Also
 * reads every answer for payment parameters next to an order id (see requestPayment).
 */
function request(options: Options): RequestTask {
  const controller = new AbortController()
  const method = String(options.method ?? 'GET').toUpperCase()
  const headers: Record<string, string> = { ...((options.header as Record<string, string> | undefined) ?? {}) }
  let body: BodyInit | undefined
  let url = String(options.url ?? '')
  const data = options.data
  if (data !== undefined) {
    if (method === 'GET') {
      if (typeof data === 'object' && data !== null) {
        const params = new URLSearchParams(Object.entries(data).map(([k, v]) => [k, String(v)]))
        url += (url.includes('?') ? '&' : '?') + params.toString()
      }
    } else if (typeof data === 'string' || data instanceof ArrayBuffer) body = data
    else {
      body = JSON.stringify(data)
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json'
    }
  }
  const timeout = setTimeout(() => controller.abort(), Number(options.timeout ?? 60_000))
  fetch(url, { method, headers, body, signal: controller.signal })
    .then(async (res) => {
      const text = await res.text()
      let parsed: unknown = text
      if ((options.dataType ?? 'json') === 'json') {
        try {
          parsed = JSON.parse(text)
        } catch {
          parsed = text
        }
      }
      prepayLedger.note(parsed)
      const header: Record<string, string> = {}
      res.headers.forEach((v, k) => (header[k] = v))
      const result = { data: parsed, statusCode: res.status, header, cookies: [], errMsg: 'request:ok' }
      ;(options.success as ((r: unknown) => void) | undefined)?.(result)
      ;(options.complete as ((r: unknown) => void) | undefined)?.(result)
    })
    .catch((err: Error) => {
      const result = { errMsg: `request:fail ${err.name === 'AbortError' ? 'abort' : err.message}`, errno: 600001 }
      ;(options.fail as ((r: unknown) => void) | undefined)?.(result)
      ;(options.complete as ((r: unknown) => void) | undefined)?.(result)
    })
    .finally(() => clearTimeout(timeout))
  return { abort: () => controller.abort() }
}

// ---- WeChat Pay ----------------------------------------------------------------------------------

/**
 * The contract between a page's `wx.requestPayment(params)` and the simulated WeChat Pay
 * (localcloud/pay/module.ts):
 * - the params are what cloudPay.unifiedOrder answered as `payment`: `{appId, timeStamp,
 *   nonceStr, package: 'prepay_id=<prepayId>', signType, paySign}`;
 * - the simulator knows a payment by its outTradeNo, which is the order's id (backend/orders.ts:
 *   an order's `_id` is its outTradeNo), and answers `GET /_local/pay/payments/<outTradeNo>` with
 *   its `prepayId` and `totalFee`;
 * - the orders function answers payment params next to the order id (`create`: `{order: {id},
 *   payment}`, `pay`: `{orderId, payment}`), so every function answer that carries a `payment`
 *   with a `package` is noted here as prepayId -> candidate order id;
 * - paying: the candidate is checked against the simulator (its prepayId must be the one in
 *   `package`), the sheet "确认支付 ¥x.xx" shows the simulator's totalFee, and confirming posts
 *   `POST /_local/pay/confirm {outTradeNo}` (payment succeeds, the callback function is notified).
 *   Cancelling answers `requestPayment:fail cancel`, as WeChat does.
 */
function cloudUrl(): string {
  return window.location.origin
}

async function requestPayment(options: Options): Promise<object> {
  const pkg = String(options.package ?? '')
  if (!pkg.startsWith('prepay_id=')) throw new Error('package must be prepay_id=...')
  const prepayId = pkg.slice('prepay_id='.length)
  const outTradeNo = prepayLedger.orderOf(prepayId)
  if (!outTradeNo) throw new Error('the preview has not seen an order for this prepay_id')
  const res = await fetch(`${cloudUrl()}/_local/pay/payments/${encodeURIComponent(outTradeNo)}`)
  if (!res.ok) throw new Error(`no payment ${outTradeNo} in the simulated WeChat Pay`)
  const payment = (await res.json()) as { prepayId: string; totalFee: number; body: string; state: string }
  if (payment.prepayId !== prepayId) throw new Error('prepay_id does not match the order')
  const paid = await overlays.showPaySheet(`¥${(payment.totalFee / 100).toFixed(2)}`, payment.body)
  if (!paid) throw { errMsg: 'requestPayment:fail cancel' }
  const confirm = await fetch(`${cloudUrl()}/_local/pay/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outTradeNo }) })
  if (!confirm.ok) throw new Error(`the simulated WeChat Pay refused: HTTP ${confirm.status}`)
  return {}
}

// ---- privacy -------------------------------------------------------------------------------------

type PrivacyResolve = (result: { event: 'agree' | 'disagree'; buttonId?: string }) => void
let privacyListener: ((resolve: PrivacyResolve, info: { referrer: string }) => void) | null = null
const PRIVACY_KEY = '__preview.privacyAgreed'

function privacyAgreed(): boolean {
  return getStorageSync(PRIVACY_KEY) === true
}

/**
 * The privacy check WeChat runs before a personal-information API (app.json `__usePrivacyCheck__`):
 * when the person has not agreed yet, the page's onNeedPrivacyAuthorization listener (the
 * privacy-popup component) is asked, else a plain dialog. Resolves whether they agreed.
 */
export async function ensurePrivacy(): Promise<boolean> {
  try {
    await requirePrivacyAuthorize()
    return true
  } catch {
    return false
  }
}

/** An API that touches personal information: the privacy check first, as on WeChat. */
function privacyApi(name: string, run: (options: Options) => unknown | Promise<unknown>): Api {
  return asyncApi(name, async (options) => {
    if (!(await ensurePrivacy())) throw { errMsg: `${name}:fail privacy permission is not authorized`, errno: 104 }
    return run(options)
  })
}

async function requirePrivacyAuthorize(): Promise<object> {
  if (privacyAgreed()) return {}
  const agreed = await new Promise<boolean>((resolve) => {
    const answer: PrivacyResolve = (result) => {
      if (result.event === 'agree') setStorageSync(PRIVACY_KEY, true)
      resolve(result.event === 'agree')
    }
    if (privacyListener) privacyListener(answer, { referrer: router.currentEntry()?.page.route ?? '' })
    else void overlays.showModal({ title: '用户隐私保护指引', content: '使用前请阅读并同意《用户隐私保护指引》', confirmText: '同意', cancelText: '拒绝' }).then((c) => answer({ event: c.confirm ? 'agree' : 'disagree' }))
  })
  if (!agreed) throw new Error('privacy permission is not authorized')
  return {}
}

/** The agree button (open-type agreePrivacyAuthorization) records the agreement, as WeChat does. */
export function agreePrivacy(): void {
  setStorageSync(PRIVACY_KEY, true)
}

// ---- scopes (album etc.): granted on first ask, remembered per identity ---------------------------

const SCOPES_KEY = '__preview.authSetting'

function authSetting(): Record<string, boolean> {
  const value = getStorageSync(SCOPES_KEY)
  return value && typeof value === 'object' ? (value as Record<string, boolean>) : {}
}

// ---- the share menu: each page has its own (router's StackEntry.shareMenu) ------------------------

function setShareMenu(next: (current: { withShareTicket: boolean; menus: string[] }) => { withShareTicket: boolean; menus: string[] }): void {
  const entry = router.currentEntry()
  if (entry) entry.shareMenu = next(entry.shareMenu ?? { withShareTicket: false, menus: ['shareAppMessage', 'shareTimeline'] })
}

// ---- system --------------------------------------------------------------------------------------

const FRAME = { width: 375, height: 812, statusBar: 44, navBar: 44 }

function windowInfo() {
  return {
    pixelRatio: window.devicePixelRatio || 2,
    screenWidth: FRAME.width,
    screenHeight: FRAME.height,
    windowWidth: FRAME.width,
    windowHeight: FRAME.height - FRAME.statusBar - FRAME.navBar,
    statusBarHeight: FRAME.statusBar,
    safeArea: { left: 0, right: FRAME.width, top: FRAME.statusBar, bottom: FRAME.height - 34, width: FRAME.width, height: FRAME.height - FRAME.statusBar - 34 },
    screenTop: 0,
  }
}

function systemInfo() {
  return { ...windowInfo(), brand: 'preview', model: 'Browser preview', system: 'iOS 17.0', platform: 'devtools', version: '8.0.50', SDKVersion: '3.5.0', language: 'zh_CN', fontSizeSetting: 16, theme: 'light' }
}

// ---- selector query (canvas 2d and boxes) --------------------------------------------------------

interface QueryRequest {
  selector: string
  all: boolean
  fields: Record<string, boolean>
}

function createSelectorQuery() {
  const requests: QueryRequest[] = []
  let scopeRoot: () => ParentNode = () => router.currentEntry()?.frame ?? document
  const query = {
    in(component: { _exparserNode?: { $$?: Element } }) {
      const dom = component?._exparserNode?.$$
      if (dom) scopeRoot = () => dom
      return query
    },
    select(selector: string) {
      return nodesRef(selector, false)
    },
    selectAll(selector: string) {
      return nodesRef(selector, true)
    },
    selectViewport() {
      return nodesRef('viewport', false)
    },
    exec(cb?: (res: unknown[]) => void) {
      // a tick later, as WeChat answers after rendering
      setTimeout(() => {
        const root = scopeRoot()
        const results = requests.map((r) => {
          const found = r.selector === 'viewport' ? [] : findNodes(root, r.selector)
          const describe = (node: Element) => describeNode(node, r.fields)
          if (r.all) return found.map(describe)
          return found[0] ? describe(found[0]) : null
        })
        cb?.(results)
      }, 0)
      return query
    },
  }
  const nodesRef = (selector: string, all: boolean) => {
    const add = (fields: Record<string, boolean>, cb?: (res: unknown) => void) => {
      requests.push({ selector, all, fields })
      if (cb) {
        const index = requests.length - 1
        const exec = query.exec
        query.exec = (done?: (res: unknown[]) => void) =>
          exec((res) => {
            cb(res[index])
            done?.(res)
          })
      }
      return query
    }
    return {
      fields: (fields: Record<string, boolean>, cb?: (res: unknown) => void) => add(fields, cb),
      boundingClientRect: (cb?: (res: unknown) => void) => add({ rect: true, size: true, id: true, dataset: true }, cb),
      scrollOffset: (cb?: (res: unknown) => void) => add({ scrollOffset: true }, cb),
      node: (cb?: (res: unknown) => void) => add({ node: true }, cb),
    }
  }
  return query
}

/** Finds elements by the WXML selector (`#id`, `.class`): classes are written with the page's prefix. */
function findNodes(root: ParentNode, selector: string): Element[] {
  const entry = router.currentEntry()
  // the page's own tree, through exparser (ids are not written to the DOM; classes are prefixed there)
  if (entry && root === entry.frame) {
    const found = (entry.root as unknown as { querySelectorAll(s: string): Array<{ dom: Element }> }).querySelectorAll(selector)
    return found.map((n) => n.dom)
  }
  try {
    return [...root.querySelectorAll(selector)]
  } catch {
    return []
  }
}

function describeNode(node: Element, fields: Record<string, boolean>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const rect = node.getBoundingClientRect()
  const frameRect = (router.currentEntry()?.frame ?? document.body).getBoundingClientRect()
  if (fields.id) out.id = node.id
  if (fields.dataset) out.dataset = { ...(node as HTMLElement).dataset }
  if (fields.rect) Object.assign(out, { left: rect.left - frameRect.left, top: rect.top - frameRect.top, right: rect.right - frameRect.left, bottom: rect.bottom - frameRect.top })
  if (fields.size) Object.assign(out, { width: rect.width, height: rect.height })
  if (fields.scrollOffset) Object.assign(out, { scrollLeft: (node as HTMLElement).scrollLeft, scrollTop: (node as HTMLElement).scrollTop })
  if (fields.node) {
    const canvas = canvasNode(node)
    if (canvas) out.node = canvas
  }
  return out
}

// ---- files: temp paths are blob: URLs --------------------------------------------------------------

function pickFile(accept: string, multiple: boolean): Promise<File[]> {
  return new Promise((resolve, reject) => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = accept
    input.multiple = multiple
    input.onchange = () => resolve([...(input.files ?? [])])
    input.addEventListener('cancel', () => reject({ errMsg: 'chooseMedia:fail cancel' }))
    input.click()
  })
}

function getFileSystemManager() {
  return {
    readFile(options: Options) {
      fetch(String(options.filePath))
        .then((res) => res.arrayBuffer())
        .then((data) => {
          const res = { data, errMsg: 'readFile:ok' }
          options.success?.(res)
          options.complete?.(res)
        })
        .catch((err: Error) => {
          const res = { errMsg: `readFile:fail ${err.message}` }
          options.fail?.(res)
          options.complete?.(res)
        })
    },
  }
}

/** What wx.setClipboardData copied (the browser's clipboard may refuse a page without focus). */
let clipboard = ''

// ---- the wx object -------------------------------------------------------------------------------

const warned = new Set<string>()

/**
 * An API the preview does not have: an async one answers fail (or rejects) with
 * `<api>:fail not supported in the browser preview`; a `...Sync` one throws that; an `on...`/`off...`
 * listener registration does nothing. Each warns once in the console.
 */
function unsupported(name: string): Api {
  const message = `${name}:fail not supported in the browser preview`
  const warn = () => {
    if (warned.has(name)) return
    warned.add(name)
    console.warn(`[preview] wx.${name} is not supported in the browser preview`)
  }
  if (/Sync$/.test(name))
    return () => {
      warn()
      throw new Error(message)
    }
  if (/^(on|off)[A-Z]/.test(name)) return () => warn()
  const api = asyncApi(name, () => {
    throw new Error('not supported in the browser preview')
  })
  return (options?: Options) => {
    warn()
    return api(options)
  }
}

const implemented: Record<string, unknown> = {
  // navigation
  navigateTo: asyncApi('navigateTo', (o) => ({ eventChannel: router.navigateTo(String(o.url ?? ''), (o.events as Record<string, (...a: unknown[]) => void> | undefined) ?? {}) })),
  redirectTo: navigation('redirectTo', (url) => router.redirectTo(url)),
  navigateBack: asyncApi('navigateBack', (o) => {
    router.navigateBack(Number(o.delta ?? 1))
    return {}
  }),
  switchTab: navigation('switchTab', (url) => router.switchTab(url)),
  reLaunch: navigation('reLaunch', (url) => router.reLaunch(url)),
  setNavigationBarTitle: asyncApi('setNavigationBarTitle', (o) => {
    router.setTitle(String(o.title ?? ''))
    return {}
  }),
  setNavigationBarColor: asyncApi('setNavigationBarColor', (o) => {
    router.setNavigationBarColor(String(o.frontColor ?? '#000000'), String(o.backgroundColor ?? '#ffffff'))
    return {}
  }),
  startPullDownRefresh: asyncApi('startPullDownRefresh', () => {
    router.pullDownRefresh()
    return {}
  }),
  stopPullDownRefresh: asyncApi('stopPullDownRefresh', () => {
    router.stopPullDownRefresh()
    return {}
  }),
  pageScrollTo: asyncApi('pageScrollTo', (o) => {
    router.currentEntry()?.frame.scrollTo({ top: Number(o.scrollTop ?? 0), behavior: Number(o.duration ?? 300) > 0 ? 'smooth' : 'auto' })
    return {}
  }),
  // storage
  getStorageSync,
  setStorageSync,
  removeStorageSync,
  clearStorageSync,
  getStorageInfoSync: () => ({ keys: storageKeys(), currentSize: 0, limitSize: 10240 }),
  getStorage: asyncApi('getStorage', (o) => {
    const text = localStorage.getItem(storageKey(String(o.key)))
    if (text === null) throw new Error('data not found')
    return { data: JSON.parse(text) }
  }),
  setStorage: asyncApi('setStorage', (o) => {
    setStorageSync(String(o.key), o.data)
    return {}
  }),
  removeStorage: asyncApi('removeStorage', (o) => {
    removeStorageSync(String(o.key))
    return {}
  }),
  clearStorage: asyncApi('clearStorage', () => {
    clearStorageSync()
    return {}
  }),
  // interaction
  showToast: asyncApi('showToast', (o) => {
    overlays.showToast(String(o.title ?? ''), (o.icon as 'success' | 'error' | 'loading' | 'none') ?? 'success', Number(o.duration ?? 1500), !!o.mask)
    return {}
  }),
  hideToast: asyncApi('hideToast', () => {
    overlays.hideToast()
    return {}
  }),
  showLoading: asyncApi('showLoading', (o) => {
    overlays.showToast(String(o.title ?? ''), 'loading', 0, !!o.mask)
    return {}
  }),
  hideLoading: asyncApi('hideLoading', () => {
    overlays.hideToast()
    return {}
  }),
  showModal: asyncApi('showModal', (o) => overlays.showModal(o as Parameters<typeof overlays.showModal>[0])),
  showActionSheet: asyncApi('showActionSheet', async (o) => {
    const tapIndex = await overlays.showSheet((o.itemList as string[]) ?? [], { title: o.alertText as string | undefined })
    if (tapIndex < 0) throw new Error('cancel')
    return { tapIndex }
  }),
  // network
  request,
  // system
  getSystemInfoSync: systemInfo,
  getSystemInfo: asyncApi('getSystemInfo', systemInfo),
  getWindowInfo: windowInfo,
  getDeviceInfo: () => ({ brand: 'preview', model: 'Browser preview', system: 'iOS 17.0', platform: 'devtools', pixelRatio: window.devicePixelRatio || 2 }),
  getAppBaseInfo: () => ({ SDKVersion: '3.5.0', language: 'zh_CN', version: '8.0.50', theme: 'light' }),
  getAccountInfoSync: () => ({ miniProgram: { appId: 'wx-local-preview', envVersion: 'develop', version: '' } }),
  getLaunchOptionsSync: () => launchOptions(),
  getEnterOptionsSync: () => launchOptions(),
  canIUse: () => true,
  nextTick: (fn: () => void) => Promise.resolve().then(fn),
  createSelectorQuery,
  getFileSystemManager,
  // login and identity
  login: asyncApi('login', () => {
    if (!identity().openid) throw new Error('no WeChat identity (Moments single-page mode)')
    return { code: `preview-code-${identity().openid}` }
  }),
  checkSession: asyncApi('checkSession', () => ({})),
  // privacy and scopes
  getPrivacySetting: asyncApi('getPrivacySetting', () => ({ needAuthorization: !privacyAgreed(), privacyContractName: '《用户隐私保护指引》' })),
  requirePrivacyAuthorize: asyncApi('requirePrivacyAuthorize', requirePrivacyAuthorize),
  onNeedPrivacyAuthorization: (listener: typeof privacyListener) => {
    privacyListener = listener
  },
  openPrivacyContract: asyncApi('openPrivacyContract', async () => {
    await overlays.showModal({ title: '用户隐私保护指引', content: '（预览）小店如何收集、使用你的昵称、头像、收货地址和相册。', showCancel: false })
    return {}
  }),
  getSetting: asyncApi('getSetting', () => ({ authSetting: authSetting() })),
  authorize: asyncApi('authorize', (o) => {
    setStorageSync(SCOPES_KEY, { ...authSetting(), [String(o.scope)]: true })
    return {}
  }),
  openSetting: asyncApi('openSetting', async () => {
    const choice = await overlays.showModal({ title: '设置', content: '允许小程序保存图片到相册？', confirmText: '允许', cancelText: '不允许' })
    setStorageSync(SCOPES_KEY, { ...authSetting(), 'scope.writePhotosAlbum': choice.confirm })
    return { authSetting: authSetting() }
  }),
  // media
  chooseMedia: privacyApi('chooseMedia', async (o) => {
    const types = (o.mediaType as string[] | undefined) ?? ['image', 'video']
    const accept = types.map((t) => (t === 'mix' ? 'image/*,video/*' : `${t}/*`)).join(',')
    const files = await pickFile(accept, Number(o.count ?? 9) > 1)
    if (files.length === 0) throw new Error('cancel')
    return { type: types[0], tempFiles: files.map((f) => ({ tempFilePath: URL.createObjectURL(f), size: f.size, fileType: f.type.startsWith('video') ? 'video' : 'image' })) }
  }),
  chooseImage: privacyApi('chooseImage', async () => {
    const files = await pickFile('image/*', true)
    if (files.length === 0) throw new Error('cancel')
    const tempFilePaths = files.map((f) => URL.createObjectURL(f))
    return { tempFilePaths, tempFiles: files.map((f, i) => ({ path: tempFilePaths[i], size: f.size })) }
  }),
  previewImage: asyncApi('previewImage', (o) => {
    const urls = (o.urls as string[]) ?? []
    const current = String(o.current ?? urls[0] ?? '')
    if (current) window.open(current, '_blank', 'noopener')
    return {}
  }),
  saveImageToPhotosAlbum: privacyApi('saveImageToPhotosAlbum', (o) => {
    const a = document.createElement('a')
    a.href = String(o.filePath)
    a.download = `poster-${Date.now()}.png`
    document.body.appendChild(a)
    a.click()
    a.remove()
    return {}
  }),
  canvasToTempFilePath: asyncApi('canvasToTempFilePath', async (o) => {
    const canvas = o.canvas as HTMLCanvasElement | undefined
    if (!canvas || typeof canvas.toBlob !== 'function') throw new Error('canvas 2d node required (type="2d")')
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, o.fileType === 'jpg' ? 'image/jpeg' : 'image/png', Number(o.quality ?? 1)))
    if (!blob) throw new Error('canvas is empty')
    return { tempFilePath: URL.createObjectURL(blob) }
  }),
  chooseAddress: privacyApi('chooseAddress', async () => {
    const values = await overlays.showForm('选择收货地址', [
      { name: 'userName', label: '收货人', value: '张三' },
      { name: 'telNumber', label: '手机号码', value: '13800138000' },
      { name: 'provinceName', label: '省份', value: '广东省' },
      { name: 'cityName', label: '城市', value: '广州市' },
      { name: 'countyName', label: '区县', value: '海珠区' },
      { name: 'detailInfo', label: '详细地址', value: '新港中路 397 号' },
      { name: 'postalCode', label: '邮编', value: '510000' },
    ])
    if (!values) throw new Error('cancel')
    return { ...values, nationalCode: '440105', detailInfoNew: values.detailInfo, streetName: '' }
  }),
  getImageInfo: asyncApi('getImageInfo', (o) =>
    new Promise((resolve, reject) => {
      const img = new Image()
      img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight, path: String(o.src), orientation: 'up', type: 'png' })
      img.onerror = () => reject(new Error(`cannot load ${String(o.src)}`))
      img.src = String(o.src)
    }),
  ),
  downloadFile: asyncApi('downloadFile', async (o) => {
    const res = await fetch(String(o.url))
    return { tempFilePath: URL.createObjectURL(await res.blob()), statusCode: res.status }
  }),
  compressImage: asyncApi('compressImage', (o) => ({ tempFilePath: String(o.src) })),
  // device
  setClipboardData: asyncApi('setClipboardData', async (o) => {
    clipboard = String(o.data ?? '')
    await navigator.clipboard?.writeText(clipboard).catch(() => undefined)
    overlays.showToast('内容已复制', 'none', 1500, false)
    return {}
  }),
  getClipboardData: asyncApi('getClipboardData', () => ({ data: clipboard })),
  makePhoneCall: asyncApi('makePhoneCall', async (o) => {
    const choice = await overlays.showModal({ title: '拨打电话（预览）', content: String(o.phoneNumber ?? ''), confirmText: '呼叫' })
    if (!choice.confirm) throw new Error('cancel')
    return {}
  }),
  vibrateShort: asyncApi('vibrateShort', () => ({})),
  vibrateLong: asyncApi('vibrateLong', () => ({})),
  getNetworkType: asyncApi('getNetworkType', () => ({ networkType: 'wifi' })),
  onNetworkStatusChange: () => undefined,
  hideKeyboard: asyncApi('hideKeyboard', () => {
    ;(document.activeElement as HTMLElement | null)?.blur()
    return {}
  }),
  showNavigationBarLoading: asyncApi('showNavigationBarLoading', () => ({})),
  hideNavigationBarLoading: asyncApi('hideNavigationBarLoading', () => ({})),
  hideHomeButton: asyncApi('hideHomeButton', () => ({})),
  setBackgroundColor: asyncApi('setBackgroundColor', () => ({})),
  setBackgroundTextStyle: asyncApi('setBackgroundTextStyle', () => ({})),
  // payment, subscriptions
  requestPayment: asyncApi('requestPayment', requestPayment),
  requestSubscribeMessage: asyncApi('requestSubscribeMessage', (o) => {
    const result: Record<string, string> = {}
    for (const id of (o.tmplIds as string[] | undefined) ?? []) result[id] = 'accept'
    return result
  }),
  // sharing
  showShareMenu: asyncApi('showShareMenu', (o) => {
    setShareMenu(() => ({ withShareTicket: !!o.withShareTicket, menus: (o.menus as string[] | undefined) ?? ['shareAppMessage'] }))
    return {}
  }),
  hideShareMenu: asyncApi('hideShareMenu', (o) => {
    const hidden = (o.menus as string[] | undefined) ?? ['shareAppMessage', 'shareTimeline']
    setShareMenu((m) => ({ ...m, menus: m.menus.filter((x) => !hidden.includes(x)) }))
    return {}
  }),
  updateShareMenu: asyncApi('updateShareMenu', (o) => {
    setShareMenu((m) => ({ ...m, withShareTicket: !!o.withShareTicket }))
    return {}
  }),
  getShareInfo: asyncApi('getShareInfo', async () => ({ cloudID: await groupCloudId() })),
  getGroupEnterInfo: asyncApi('getGroupEnterInfo', async () => ({ cloudID: await groupCloudId() })),
  // the app
  restartMiniProgram: asyncApi('restartMiniProgram', (o) => {
    const { route, query } = router.parseUrl(String(o.path ?? ''))
    relaunchApp(identity(), { path: route, query, scene: 1001 })
    return {}
  }),
  reportAnalytics: () => undefined,
  reportEvent: () => undefined,
  offNeedPrivacyAuthorization: () => {
    privacyListener = null
  },
}

/**
 * The group a share card was opened from (launch scene 1044 with a shareTicket): a cloudID that
 * resolves to `{opengid}` through the simulated open data (`POST /_local/open-data`).
 */
async function groupCloudId(): Promise<string> {
  const launch = launchOptions()
  const groupId = launch.shareTicket ? (launch as { groupId?: string }).groupId : undefined
  if (!groupId) throw new Error('no shareTicket in this launch')
  const res = await fetch(`${cloudUrl()}/_local/open-data`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { opengid: groupId } }) })
  if (!res.ok) throw new Error(`open data refused: HTTP ${res.status}`)
  return ((await res.json()) as { cloudID: string }).cloudID
}

/** The names the preview answers for real (listed in the README). */
export const SUPPORTED_APIS = Object.keys(implemented)

/** Builds the global `wx`: the APIs above; any other name is an API answering fail (never `wx.cloud`: local mode). */
export function createWx(): Record<string, unknown> {
  return new Proxy(implemented, {
    get(target, name) {
      if (typeof name !== 'string') return undefined
      if (name in target) return target[name]
      if (name === 'cloud' || name === 'then' || !/^[a-z][A-Za-z0-9]*$/.test(name)) return undefined
      return unsupported(name)
    },
    has(target, name) {
      return typeof name === 'string' && name !== 'cloud' && (name in target || /^[a-z][A-Za-z0-9]*$/.test(name))
    },
  })
}
