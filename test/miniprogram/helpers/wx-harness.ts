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

/** Answers a callback-style wx API asynchronously: success with `result`, or a cancel when it is null. */
function answer<T>(options: { success?: (res: T) => void; fail?: (err: WechatMiniprogram.GeneralCallbackResult) => void; complete?: (res: WechatMiniprogram.GeneralCallbackResult) => void }, name: string, result: (T & WechatMiniprogram.GeneralCallbackResult) | null): void {
  setTimeout(() => {
    if (result === null) {
      const err = { errMsg: `${name}:fail cancel` }
      options.fail?.(err)
      options.complete?.(err)
    } else {
      options.success?.(result)
      options.complete?.(result)
    }
  }, 0)
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
    : null
  answer(options, 'chooseMedia', result)
}

harnessWx.scanCode = (options: WechatMiniprogram.ScanCodeOption) => {
  const code = scannedCodes.shift()
  const result = code === undefined ? null : ({ result: code, scanType: 'CODE_128', charSet: 'utf-8', path: '', rawData: '', errMsg: 'scanCode:ok' } as unknown as WechatMiniprogram.ScanCodeSuccessCallbackResult)
  answer(options, 'scanCode', result)
}
