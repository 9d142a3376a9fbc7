/**
 * The `wx` the page tests run against: miniprogram-simulate's mocks, with `wx.request` made real
 * (Node's http, so the transport reaches an actual local cloud), `wx.getFileSystemManager().readFile`
 * reading real files (for uploads), storage kept in memory (the simulator's keeps nothing), and
 * without `wx.cloud`, so the transport runs in local mode as it does in DevTools against `npm start`.
 * `wx.chooseMedia` and `wx.scanCode` answer what the test says the person picked or scanned
 * (`chooseMediaWillReturn`, `scanCodeWillReturn`), or fail as a cancel when nothing is queued.
 */
import { readFile, statSync } from 'node:fs'
import http from 'node:http'
import 'miniprogram-simulate' // installs the simulator's global wx first; we patch it below

type RequestOptions = WechatMiniprogram.RequestOption<string | WechatMiniprogram.IAnyObject | ArrayBuffer>

/** `wx.request` over Node's http: success for any HTTP status (as WeChat does), fail only when no response arrives. */
function request(options: RequestOptions): WechatMiniprogram.RequestTask {
  const url = new URL(options.url)
  const method = (options.method ?? 'GET').toUpperCase()
  const headers: Record<string, string> = { ...(options.header as Record<string, string> | undefined) }
  let body: Buffer | undefined
  if (options.data !== undefined && method !== 'GET') {
    if (typeof options.data === 'string') body = Buffer.from(options.data)
    // jest's jsdom realm has its own ArrayBuffer, so `instanceof` misses buffers made by Node
    else if (Object.prototype.toString.call(options.data) === '[object ArrayBuffer]') body = Buffer.from(options.data as ArrayBuffer)
    else {
      body = Buffer.from(JSON.stringify(options.data))
      headers['content-type'] ??= 'application/json'
    }
  }
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') throw new Error(`page tests only call the local cloud, not ${url.href}`)

  let settled = false
  const fail = (errMsg: string) => {
    if (settled) return
    settled = true
    const res = { errMsg: `request:fail ${errMsg}`, errno: 600001 } as WechatMiniprogram.RequestFailCallbackErr
    options.fail?.(res)
    options.complete?.(res)
  }
  const req = http.request(url, { method, headers, timeout: options.timeout ?? 60_000 }, (res) => {
    const chunks: Buffer[] = []
    res.on('data', (chunk: Buffer) => chunks.push(chunk))
    res.on('error', (err) => fail(err.message))
    res.on('end', () => {
      if (settled) return
      settled = true
      const text = Buffer.concat(chunks).toString('utf8')
      let data: unknown = text
      if ((options.dataType ?? 'json') === 'json') {
        try {
          data = JSON.parse(text)
        } catch {
          data = text // WeChat hands back the raw string when the body is not JSON
        }
      }
      const result = {
        data: data as string,
        statusCode: res.statusCode ?? 0,
        header: res.headers as WechatMiniprogram.IAnyObject,
        cookies: [],
        errMsg: 'request:ok',
      } as unknown as WechatMiniprogram.RequestSuccessCallbackResult<string>
      options.success?.(result)
      options.complete?.(result)
    })
  })
  req.on('timeout', () => req.destroy(new Error('timeout')))
  req.on('error', (err) => fail(err.message))
  req.end(body)
  return { abort: () => req.destroy(new Error('abort')) } as unknown as WechatMiniprogram.RequestTask
}

/** Only `readFile` (whole file as an ArrayBuffer), which uploads need. */
function getFileSystemManager(): WechatMiniprogram.FileSystemManager {
  return {
    readFile(options: WechatMiniprogram.ReadFileOption) {
      readFile(options.filePath, (err, bytes) => {
        if (err) {
          const res = { errMsg: `readFile:fail ${err.message}`, errno: 1300002 } as unknown as WechatMiniprogram.FileError
          options.fail?.(res)
          options.complete?.(res)
          return
        }
        const res = { data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), errMsg: 'readFile:ok' } as WechatMiniprogram.ReadFileSuccessCallbackResult
        options.success?.(res)
        options.complete?.(res as unknown as WechatMiniprogram.FileError)
      })
    },
  } as unknown as WechatMiniprogram.FileSystemManager
}

/** Storage as WeChat keeps it: per key, values copied in and out. */
const storage = new Map<string, string>()
const storageApi = {
  setStorageSync(key: string, value: unknown) {
    storage.set(key, JSON.stringify(value))
  },
  getStorageSync(key: string): unknown {
    const text = storage.get(key)
    return text === undefined ? '' : JSON.parse(text)
  },
  removeStorageSync(key: string) {
    storage.delete(key)
  },
  clearStorageSync() {
    storage.clear()
  },
}

const harnessWx = wx as unknown as Record<string, unknown>
Object.assign(harnessWx, storageApi)
harnessWx.request = request
harnessWx.getFileSystemManager = getFileSystemManager
delete harnessWx.cloud

// ---- the person's answers to dialogs, and WeChat Pay in local mode ----------------------------

type ModalOptions = WechatMiniprogram.ShowModalOption
type SubscribeOptions = WechatMiniprogram.RequestSubscribeMessageOption

/**
 * What the person does in the dialogs pages open, scripted by tests, and what was asked.
 *
 * WeChat Pay in local mode follows the contract in miniprogram/services/transport.ts
 * (`requestPayment`), the same one the browser preview's wx shim implements: the transport asks
 * with `wx.showModal` (title '模拟支付'), and confirming POSTs `/_local/pay/confirm` to the local
 * cloud through the real `wx.request` above, so the simulated WeChat Pay calls payCallback as
 * WeChat would. So a test pays by letting the modal confirm (the default) and closes the sheet with
 * `dialogs.modalAnswers.push(false)`; `setTransportTarget({ payNotification: 'hold' })` holds the
 * notification back. `wx.requestPayment` itself is never called in local mode: here it fails loudly.
 */
export const dialogs = {
  /** Answers of the next wx.showModal calls (true = confirm); when empty, the person confirms. */
  modalAnswers: [] as boolean[],
  /** Every wx.showModal asked, in order. */
  modals: [] as Array<{ title: string; content: string }>,
  /** The person's answer in wx.requestSubscribeMessage, for every template asked. */
  subscribeAnswer: 'accept' as 'accept' | 'reject',
  /** The template ids of every wx.requestSubscribeMessage, in order. */
  subscribeRequests: [] as string[][],
  reset(): void {
    this.modalAnswers = []
    this.modals = []
    this.subscribeAnswer = 'accept'
    this.subscribeRequests = []
  },
}

function answerLater<T extends { errMsg: string }>(options: { success?: (res: T) => void; fail?: (res: { errMsg: string }) => void; complete?: (res: T) => void }, res: T): void {
  setTimeout(() => {
    if (res.errMsg.endsWith(':ok')) options.success?.(res)
    else options.fail?.(res)
    options.complete?.(res)
  }, 0)
}

harnessWx.showModal = (options: ModalOptions) => {
  dialogs.modals.push({ title: options.title ?? '', content: options.content ?? '' })
  const confirm = dialogs.modalAnswers.length > 0 ? dialogs.modalAnswers.shift()! : true
  answerLater(options as never, { errMsg: 'showModal:ok', confirm, cancel: !confirm, content: '' })
}

harnessWx.requestSubscribeMessage = (options: SubscribeOptions) => {
  dialogs.subscribeRequests.push([...options.tmplIds])
  const res: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' }
  for (const id of options.tmplIds) res[id] = dialogs.subscribeAnswer
  answerLater(options as never, res as { errMsg: string })
}

harnessWx.requestPayment = (options: WechatMiniprogram.RequestPaymentOption) => {
  answerLater(options as never, { errMsg: 'requestPayment:fail local mode has no WeChat Pay: pay through the transport\'s requestPayment' })
}

// ---- what the person picks: media and scanned codes ----------------------------------------------

/** What the person picks in the next `wx.chooseMedia`: real local files (their paths become tempFilePath). */
const chosenMedia: string[][] = []
export function chooseMediaWillReturn(filePaths: string[]): void {
  chosenMedia.push(filePaths)
}

/** What the camera reads in the next `wx.scanCode`. */
const scannedCodes: string[] = []
export function scanCodeWillReturn(result: string): void {
  scannedCodes.push(result)
}

harnessWx.chooseMedia = (options: WechatMiniprogram.ChooseMediaOption) => {
  const paths = chosenMedia.shift()
  const count = options.count ?? 9
  const result = paths
    ? ({
        type: 'image',
        tempFiles: paths.slice(0, count).map((tempFilePath) => ({ tempFilePath, size: statSync(tempFilePath).size, fileType: 'image', width: 0, height: 0, duration: 0, thumbTempFilePath: '' })),
        errMsg: 'chooseMedia:ok',
      } as unknown as WechatMiniprogram.ChooseMediaSuccessCallbackResult)
    : { errMsg: 'chooseMedia:fail cancel' }
  answerLater(options as never, result)
}

harnessWx.scanCode = (options: WechatMiniprogram.ScanCodeOption) => {
  const code = scannedCodes.shift()
  const result = code === undefined ? { errMsg: 'scanCode:fail cancel' } : ({ result: code, scanType: 'CODE_128', charSet: 'utf-8', path: '', rawData: '', errMsg: 'scanCode:ok' } as unknown as WechatMiniprogram.ScanCodeSuccessCallbackResult)
  answerLater(options as never, result)
}
