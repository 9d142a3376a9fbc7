/**
 * The only code in the mini program that calls the cloud. On WeChat it uses `wx.cloud`; in local
 * mode (develop version with the local cloud enabled) it sends the same requests to the local
 * cloud's client endpoints with `wx.request`, the caller named in header x-wx-openid:
 * - functions: `POST <local cloud>/functions/<name>`; the `{ ok, data } | { ok: false, code, message }`
 *   envelope is unwrapped into the data or a thrown `ApiError`;
 * - storage: `POST /storage/upload?cloudPath=`, `/storage/temp-urls`, `/storage/delete`, with the
 *   results `wx.cloud.uploadFile` / `getTempFileURL` / `deleteFile` give.
 */
import type { ActionName, ApiResult, ErrorCode, FunctionName, RequestOf, ResponseOf } from '../../typings/api'
import { config } from '../config'

/** A call that did not produce data: the function's typed refusal, or INTERNAL for anything unexpected. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Details the function sent with its refusal. */
    readonly data?: unknown,
    /** The platform's errCode when the call itself failed (-504002: the function threw, -501000: no such function). */
    readonly errCode?: number,
  ) {
    super(message)
    this.name = 'ApiError'
    Object.setPrototypeOf(this, ApiError.prototype) // keeps instanceof working if compiled to ES5
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError
}

/** Where local-mode calls go and who they claim to come from. */
export interface TransportTarget {
  localCloudUrl: string
  /** null: no WeChat identity, like Moments single-page mode. */
  openid: string | null
}

let target: TransportTarget = { localCloudUrl: config.localCloud.url, openid: config.localCloud.openid }

/** Points local-mode calls elsewhere (tests start their own local cloud; demos switch shopper). */
export function setTransportTarget(next: Partial<TransportTarget>): void {
  target = { ...target, ...next }
}

/** Whether calls go to the local cloud: enabled in config and running as the develop version, never trial or release. */
export function usesLocalCloud(): boolean {
  if (!config.localCloud.enabled) return false
  const envVersion = typeof wx.getAccountInfoSync === 'function' ? wx.getAccountInfoSync().miniProgram.envVersion : 'develop'
  return envVersion === 'develop'
}

/** Calls `action` of cloud function `name` with its typed request; resolves with the action's data or throws ApiError. */
export async function callFunction<N extends FunctionName, A extends ActionName<N>>(name: N, action: A, data: RequestOf<N, A>): Promise<ResponseOf<N, A>> {
  const event = { action, data }
  const result = usesLocalCloud() ? await callLocalCloud(name, event) : await callWeChatCloud(name, event)
  return unwrapEnvelope<ResponseOf<N, A>>(result, `${name}.${action}`)
}

function unwrapEnvelope<T>(result: unknown, call: string): T {
  if (typeof result === 'object' && result !== null && typeof (result as { ok?: unknown }).ok === 'boolean') {
    const envelope = result as ApiResult<T>
    if (envelope.ok) return envelope.data
    throw new ApiError(envelope.code, envelope.message, envelope.data)
  }
  throw new ApiError('INTERNAL', `${call} answered without the { ok, ... } envelope`)
}

async function callWeChatCloud(name: string, event: { action: string; data: unknown }): Promise<unknown> {
  const res = await onWeChatCloud(() => wx.cloud.callFunction({ name, data: event }))
  return res.result
}

/** The local cloud's client endpoint answers `{result}`, or `{errCode, errMsg}` with HTTP 404/500 as wx.cloud.callFunction would fail. */
async function callLocalCloud(name: string, event: { action: string; data: unknown }): Promise<unknown> {
  const body = await postToLocalCloud<{ result: unknown }>(`/functions/${encodeURIComponent(name)}`, event, `cloud function ${name}`)
  return body.result
}

// ---- cloud storage ---------------------------------------------------------------------------

/** One file's outcome, as wx.cloud reports it: status 0 and errMsg 'ok', or a wx errCode (-503003: no such file). */
export interface FileStatus {
  fileID: string
  status: number
  errMsg: string
}

export interface TempFileUrl extends FileStatus {
  /** Empty when status is not 0. */
  tempFileURL: string
}

/** Uploads the local file at `filePath` (e.g. from wx.chooseMedia) to `cloudPath`; resolves with its fileID (cloud://...). */
export async function uploadFile(cloudPath: string, filePath: string): Promise<string> {
  if (usesLocalCloud()) {
    const bytes = await readLocalFile(filePath)
    const body = await postToLocalCloud<{ fileID: string }>(`/storage/upload?cloudPath=${encodeURIComponent(cloudPath)}`, bytes, 'cloud.uploadFile', 'application/octet-stream')
    return body.fileID
  }
  const res = await onWeChatCloud(() => wx.cloud.uploadFile({ cloudPath, filePath }))
  return res.fileID
}

/** Temporary URLs (valid at most a day) for cloud files, one entry per fileID in order. */
export async function getTempFileUrls(fileIDs: string[]): Promise<TempFileUrl[]> {
  if (usesLocalCloud()) return (await postToLocalCloud<{ fileList: TempFileUrl[] }>('/storage/temp-urls', { fileList: fileIDs }, 'cloud.getTempFileURL')).fileList
  const res = await onWeChatCloud(() => wx.cloud.getTempFileURL({ fileList: fileIDs }))
  return res.fileList.map((f) => ({ fileID: f.fileID, tempFileURL: f.tempFileURL, status: f.status, errMsg: f.errMsg }))
}

/** URLs an <image> can show for cloud fileIDs, in order: '' for an absent id or one that has no URL. */
export async function displayUrls(fileIDs: Array<string | undefined>): Promise<string[]> {
  const ids = fileIDs.filter((id): id is string => !!id)
  const files = ids.length > 0 ? await getTempFileUrls(ids) : []
  return fileIDs.map((id) => (id ? files.find((f) => f.fileID === id && f.status === 0)?.tempFileURL ?? '' : ''))
}

/** Deletes cloud files; a user may delete only files they uploaded, so check each status. */
export async function deleteFiles(fileIDs: string[]): Promise<FileStatus[]> {
  if (usesLocalCloud()) return (await postToLocalCloud<{ fileList: FileStatus[] }>('/storage/delete', { fileList: fileIDs }, 'cloud.deleteFile')).fileList
  const res = await onWeChatCloud(() => wx.cloud.deleteFile({ fileList: fileIDs }))
  return res.fileList.map((f) => ({ fileID: f.fileID, status: f.status, errMsg: f.errMsg }))
}

async function onWeChatCloud<T>(call: () => Promise<T>): Promise<T> {
  if (!wx.cloud) throw new ApiError('INTERNAL', 'wx.cloud is unavailable (base library 2.2.3 or later is needed)')
  try {
    return await call()
  } catch (err) {
    const { errCode, errMsg } = err as { errCode?: number; errMsg?: string }
    throw new ApiError('INTERNAL', errMsg ?? String(err), undefined, errCode)
  }
}

function readLocalFile(filePath: string): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    wx.getFileSystemManager().readFile({
      filePath,
      success: (res) => resolve(res.data as ArrayBuffer),
      fail: (err) => reject(new ApiError('INVALID_INPUT', `cannot read ${filePath}: ${err.errMsg}`)),
    })
  })
}

/** POSTs to a local cloud client endpoint as the current caller; non-200 answers `{errCode, errMsg}` become ApiError INTERNAL. */
function postToLocalCloud<T>(path: string, data: WechatMiniprogram.IAnyObject | ArrayBuffer, what: string, contentType = 'application/json'): Promise<T> {
  const header: Record<string, string> = { 'content-type': contentType }
  if (target.openid) header['x-wx-openid'] = target.openid
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${target.localCloudUrl}${path}`,
      method: 'POST',
      header,
      data,
      dataType: 'json',
      success(res) {
        const body = (typeof res.data === 'object' && res.data !== null ? res.data : {}) as { errCode?: number; errMsg?: string }
        if (res.statusCode === 200) resolve(body as T)
        else reject(new ApiError('INTERNAL', body.errMsg ?? `${what} failed with HTTP ${res.statusCode}`, undefined, body.errCode))
      },
      fail(err) {
        reject(new ApiError('INTERNAL', `cannot reach the local cloud at ${target.localCloudUrl}: ${err.errMsg}`))
      },
    })
  })
}
