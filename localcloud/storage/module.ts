import { randomBytes } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { CloudError, type LocalCloudErrorCode } from '../errors'
import { MAX_BODY_BYTES, readBody, readJsonObject, sendJson, type RouteContext, type RouteHandler } from '../http'
import type { LocalCloud, LocalCloudModule } from '../server'
import { bucketFor, cloudPathProblem, fileIdFor, parseFileId } from './cloud-path'
import { contentTypeFor } from './content-type'
import { FileStore } from './file-store'
import { UrlSigner } from './signature'

export interface StorageModuleOptions {
  /** Files live under `<dataDir>/storage/`. */
  dataDir: string
}

/** CloudBase's default and longest lifetime of a temporary URL: one day. */
const MAX_URL_AGE_SEC = 86_400
/** How long the upload authorization from `storage.getUploadMetadata` stays valid (local clock). */
const UPLOAD_AUTH_AGE_SEC = 600
/** CloudBase answers at most 50 files per temporary-URL or delete call. */
const MAX_FILES_PER_CALL = 50
/**
 * Largest upload we accept, over the SDK's PUT and the mini program's upload endpoint alike. COS
 * itself takes 5 GB in one PUT; we choose CloudBase's 6 MB synchronous request limit, so nothing
 * that works locally breaks on a function's request or response there, and no upload can fill the
 * local cloud's memory.
 */
const MAX_UPLOAD_BYTES = MAX_BODY_BYTES

/** Where the SDK PUTs uploads and where temporary URLs point: `/storage/files/<bucket>/<cloudPath>`. */
const FILE_ROUTE = /^\/storage\/files\/([^/]+)\/(.+)$/

type FileCode = 'SUCCESS' | 'STORAGE_FILE_NONEXIST' | 'STORAGE_EXCEED_AUTHORITY' | 'INVALID_PARAM'

interface FileOutcome {
  fileID: string
  code: FileCode
  message: string
}

/** The mini program's errCode for each outcome (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference/errcode.html). */
const WX_ERR_CODE: Record<FileCode, number> = {
  SUCCESS: 0,
  INVALID_PARAM: -501007,
  STORAGE_EXCEED_AUTHORITY: -503002,
  STORAGE_FILE_NONEXIST: -503003,
}

/** Who asks: the server SDK (admin, may do anything) or a mini program user (may change only the files they uploaded). */
type Caller = { kind: 'admin' } | { kind: 'user'; openid: string }

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string)
}

/**
 * Cloud storage: the SDK's `storage.*` actions (uploadFile, getTempFileURL, downloadFile,
 * deleteFile, getFileInfo), the COS-style PUT and GET of file bytes, and the mini program's
 * client endpoints under `/storage/`. Temporary URLs carry an expiry and an HMAC signature checked
 * against the local clock.
 */
export class StorageModule implements LocalCloudModule {
  readonly name = 'storage'
  private cloud?: LocalCloud
  private readonly store: FileStore
  private signer?: UrlSigner

  constructor(options: StorageModuleOptions) {
    this.store = new FileStore(path.join(options.dataDir, 'storage'))
  }

  attach(cloud: LocalCloud): void {
    this.cloud = cloud
    cloud.registerAction('storage.getUploadMetadata', (params) => this.uploadMetadata(params))
    cloud.registerAction('storage.batchGetDownloadUrl', (params) => this.batchGetDownloadUrl(params))
    cloud.registerAction('storage.batchDeleteFile', (params) => this.batchDeleteFile(params))
    cloud.router.add('PUT', FILE_ROUTE, (ctx) => this.receiveUpload(ctx))
    cloud.router.add('GET', FILE_ROUTE, (ctx) => this.serveFile(ctx))
    cloud.router.add('HEAD', FILE_ROUTE, (ctx) => this.serveFile(ctx))
    cloud.router.add('POST', /^\/storage\/upload$/, this.clientEndpoint('cloud.uploadFile', (ctx) => this.clientUpload(ctx)))
    cloud.router.add('POST', /^\/storage\/temp-urls$/, this.clientEndpoint('cloud.getTempFileURL', (ctx) => this.clientTempUrls(ctx)))
    cloud.router.add('POST', /^\/storage\/delete$/, this.clientEndpoint('cloud.deleteFile', (ctx) => this.clientDelete(ctx)))
  }

  async start(): Promise<void> {
    await this.store.open()
    this.signer = new UrlSigner(await this.store.signingKey())
  }

  async stop(): Promise<void> {
    await this.store.idle()
  }

  /** The bucket of this environment, as it appears in fileIDs. */
  get bucket(): string {
    return bucketFor(this.requireCloud().envId)
  }

  /** Stores a file in-process (seeding demo images, tests) and returns its fileID; `owner` is an openid or null for the server. */
  async putFile(cloudPath: string, bytes: Buffer, owner: string | null = null): Promise<string> {
    const problem = cloudPathProblem(cloudPath)
    if (problem) throw new CloudError('INVALID_PARAM', problem)
    if (bytes.length > MAX_UPLOAD_BYTES) throw new CloudError('EXCEED_REQUEST_LIMIT', `file of ${bytes.length} bytes exceeds the ${MAX_UPLOAD_BYTES}-byte upload limit`, 413)
    await this.store.put(this.bucket, cloudPath, bytes, { owner, uploadedAt: this.requireCloud().clock.now() })
    return fileIdFor(this.requireCloud().envId, this.bucket, cloudPath)
  }

  /**
   * Puts every file of `dir` (not recursive) at `<prefix>/<name>` unless a file is already there,
   * so the demo data's images (database/seed/images/) download under the fileIDs the seed
   * documents name; rerunning it, or a restart, changes nothing. Returns the fileIDs written.
   */
  async seedFiles(dir: string, prefix: string): Promise<string[]> {
    const written: string[] = []
    let names: string[]
    try {
      names = (await fsp.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).sort()
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return written
      throw err
    }
    for (const name of names) {
      const cloudPath = `${prefix}/${name}`
      if (await this.store.stat(this.bucket, cloudPath)) continue
      written.push(await this.putFile(cloudPath, await fsp.readFile(path.join(dir, name))))
    }
    return written
  }

  /**
   * A temporary URL for the file at `cloudPath`, valid `maxAgeSec` (at most a day) by the local
   * clock. Like CloudBase's, the path in it is not percent-encoded (the SDK `encodeURI`s it).
   */
  tempFileUrl(cloudPath: string, maxAgeSec = MAX_URL_AGE_SEC): string {
    const cloud = this.requireCloud()
    const expiresAtSec = Math.floor(cloud.clock.now() / 1000) + maxAgeSec
    const sign = this.requireSigner().sign('GET', `${this.bucket}/${cloudPath}`, expiresAtSec)
    return `${cloud.url}/storage/files/${this.bucket}/${cloudPath}?sign=${sign}&t=${expiresAtSec}`
  }

  // ---- SDK actions ----------------------------------------------------------------------------

  /** `storage.getUploadMetadata {path}`: where and with what authorization the SDK PUTs the bytes. */
  private uploadMetadata(params: Record<string, unknown>): object {
    const cloudPath = params.path
    const problem = cloudPathProblem(cloudPath)
    if (problem) throw new CloudError('INVALID_PARAM', problem)
    const key = cloudPath as string
    const cloud = this.requireCloud()
    const expiresAtSec = Math.floor(cloud.clock.now() / 1000) + UPLOAD_AUTH_AGE_SEC
    const sign = this.requireSigner().sign('PUT', `${this.bucket}/${key}`, expiresAtSec)
    return {
      data: {
        url: `${cloud.url}/storage/files/${this.bucket}/${encodeURI(key)}`,
        token: '',
        authorization: `t=${expiresAtSec}&sign=${sign}`,
        fileId: fileIdFor(cloud.envId, this.bucket, key),
        cosFileId: randomBytes(16).toString('hex'),
        download_url: this.tempFileUrl(key),
      },
    }
  }

  /** `storage.batchGetDownloadUrl {file_list: [{fileid, max_age?}]}` → `{data: {download_list: [{fileID, tempFileURL, code}]}}`. */
  private async batchGetDownloadUrl(params: Record<string, unknown>): Promise<object> {
    const list = this.fileList(params.file_list, 'file_list')
    const download_list = await Promise.all(
      list.map(async (item) => {
        const entry = (typeof item === 'object' && item !== null ? item : {}) as { fileid?: unknown; max_age?: unknown }
        const { outcome, tempFileURL } = await this.tempUrlFor(entry.fileid, entry.max_age)
        return outcome.code === 'SUCCESS'
          ? { fileID: outcome.fileID, tempFileURL, code: outcome.code }
          : { fileID: outcome.fileID, tempFileURL: '', code: outcome.code, message: outcome.message }
      }),
    )
    return { data: { download_list } }
  }

  /** `storage.batchDeleteFile {fileid_list}` → `{data: {delete_list: [{fileID, code}]}}`; the server may delete any file. */
  private async batchDeleteFile(params: Record<string, unknown>): Promise<object> {
    const list = this.fileList(params.fileid_list, 'fileid_list')
    const delete_list = []
    for (const fileId of list) {
      const outcome = await this.deleteOne(fileId, { kind: 'admin' })
      delete_list.push(outcome.code === 'SUCCESS' ? { fileID: outcome.fileID, code: outcome.code } : outcome)
    }
    return { data: { delete_list } }
  }

  // ---- COS-style object routes ------------------------------------------------------------------

  /** The SDK's PUT of the bytes, answered as COS answers: an empty 200, or `<Error><Code>..` XML. */
  private async receiveUpload({ req, res, params: [bucket, cloudPath] }: RouteContext): Promise<void> {
    const requestId = this.requireCloud().nextRequestId()
    const refuse = (status: number, code: string, message: string) => {
      req.resume()
      this.sendCosError(res, status, code, message, `/${cloudPath}`, requestId)
    }
    if (bucket !== this.bucket) return refuse(404, 'NoSuchBucket', `the bucket ${bucket} does not exist`)
    const problem = cloudPathProblem(cloudPath)
    if (problem) return refuse(400, 'InvalidArgument', problem)
    const auth = new URLSearchParams(String(req.headers.authorization ?? ''))
    const check = this.requireSigner().check('PUT', `${bucket}/${cloudPath}`, auth.get('t'), auth.get('sign'), this.requireCloud().clock.now())
    if (!check.ok) {
      if (check.reason === 'expired') return refuse(403, 'AccessDenied', 'Request has expired')
      return refuse(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided')
    }
    let bytes: Buffer
    try {
      bytes = await readBody(req, MAX_UPLOAD_BYTES)
    } catch (err) {
      if (err instanceof CloudError && err.code === 'EXCEED_REQUEST_LIMIT') return refuse(400, 'EntityTooLarge', err.message)
      throw err
    }
    try {
      await this.store.put(bucket, cloudPath, bytes, { owner: null, uploadedAt: this.requireCloud().clock.now() })
    } catch (err) {
      if (err instanceof CloudError) return refuse(409, 'InvalidArgument', err.message)
      throw err
    }
    res.writeHead(200, { 'content-length': 0, 'x-cos-request-id': requestId })
    res.end()
  }

  /** GET/HEAD of a temporary URL: 403 when the signature is forged or expired by the local clock, 404 when the file is gone. */
  private async serveFile({ req, res, url, params: [bucket, cloudPath] }: RouteContext): Promise<void> {
    const requestId = this.requireCloud().nextRequestId()
    const resource = `/${cloudPath}`
    if (bucket !== this.bucket || cloudPathProblem(cloudPath)) return this.sendCosError(res, 404, 'NoSuchKey', 'The specified key does not exist.', resource, requestId)
    const check = this.requireSigner().check('GET', `${bucket}/${cloudPath}`, url.searchParams.get('t'), url.searchParams.get('sign'), this.requireCloud().clock.now())
    if (!check.ok) {
      const message = check.reason === 'expired' ? 'Request has expired' : 'Access Denied.'
      return this.sendCosError(res, 403, 'AccessDenied', message, resource, requestId)
    }
    const file = await this.store.openForRead(bucket, cloudPath)
    if (!file) return this.sendCosError(res, 404, 'NoSuchKey', 'The specified key does not exist.', resource, requestId)
    try {
      res.writeHead(200, {
        'content-type': contentTypeFor(cloudPath),
        'content-length': file.size,
        'last-modified': new Date(file.modifiedAt).toUTCString(),
        'cache-control': 'private, no-transform',
        'x-cos-request-id': requestId,
      })
      if (req.method === 'HEAD') {
        res.end()
        return
      }
      await new Promise<void>((resolve, reject) => {
        const stream = file.handle.createReadStream({ autoClose: false })
        stream.on('error', reject)
        res.on('close', resolve)
        stream.pipe(res)
      })
    } finally {
      await file.handle.close()
    }
  }

  // ---- mini program client endpoints --------------------------------------------------------------

  /** `POST /storage/upload?cloudPath=<path>`, raw bytes, header x-wx-openid → `{fileID}`; a user may overwrite only their own files. */
  private async clientUpload({ req, url }: RouteContext): Promise<object> {
    const openid = this.openidOf(req)
    if (!openid) {
      req.resume()
      throw new CloudError('STORAGE_EXCEED_AUTHORITY', 'uploading needs a signed-in WeChat user (header x-wx-openid)', 403)
    }
    const cloudPath = url.searchParams.get('cloudPath')
    const problem = cloudPathProblem(cloudPath)
    if (problem) {
      req.resume()
      throw new CloudError('INVALID_PARAM', problem, 400)
    }
    const key = cloudPath as string
    const existing = await this.ownerOf(key)
    if (existing !== undefined && existing !== openid) {
      req.resume()
      throw new CloudError('STORAGE_EXCEED_AUTHORITY', `${key} belongs to another user; only its creator may overwrite it`, 403)
    }
    const bytes = await readBody(req, MAX_UPLOAD_BYTES)
    return { fileID: await this.putFile(key, bytes, openid) }
  }

  /** `POST /storage/temp-urls {fileList: [fileID | {fileID, maxAge}]}` → wx.cloud.getTempFileURL's `{fileList: [{fileID, tempFileURL, maxAge, status, errMsg}]}`. */
  private async clientTempUrls({ req }: RouteContext): Promise<object> {
    const body = await readJsonObject(req)
    const list = this.fileList(body.fileList, 'fileList')
    const fileList = await Promise.all(
      list.map(async (item) => {
        const entry = typeof item === 'object' && item !== null ? (item as { fileID?: unknown; maxAge?: unknown }) : { fileID: item }
        const { outcome, tempFileURL, maxAge } = await this.tempUrlFor(entry.fileID, entry.maxAge)
        return { fileID: outcome.fileID, tempFileURL, maxAge, status: WX_ERR_CODE[outcome.code], errMsg: outcome.code === 'SUCCESS' ? 'ok' : outcome.message }
      }),
    )
    return { fileList }
  }

  /** `POST /storage/delete {fileList: [fileID]}` → `{fileList: [{fileID, status, errMsg}]}`; a user may delete only files they uploaded. */
  private async clientDelete({ req }: RouteContext): Promise<object> {
    const openid = this.openidOf(req)
    const body = await readJsonObject(req)
    const list = this.fileList(body.fileList, 'fileList')
    if (!openid) throw new CloudError('STORAGE_EXCEED_AUTHORITY', 'deleting needs a signed-in WeChat user (header x-wx-openid)', 403)
    const fileList = []
    for (const fileId of list) {
      const outcome = await this.deleteOne(fileId, { kind: 'user', openid })
      fileList.push({ fileID: outcome.fileID, status: WX_ERR_CODE[outcome.code], errMsg: outcome.code === 'SUCCESS' ? 'ok' : outcome.message })
    }
    return { fileList }
  }

  /** Answers a client endpoint with its result, or with `{errCode, errMsg: '<api>:fail ...'}` as wx.cloud fails. */
  private clientEndpoint(api: string, handler: (ctx: RouteContext) => Promise<object>): RouteHandler {
    return async (ctx) => {
      try {
        sendJson(ctx.res, 200, await handler(ctx))
      } catch (err) {
        if (!(err instanceof CloudError)) throw err
        const errCode = this.wxErrCodeFor(err.code)
        sendJson(ctx.res, err.status === 200 ? 400 : err.status, { errCode, errMsg: `${api}:fail ${err.message}` })
      }
    }
  }

  private wxErrCodeFor(code: LocalCloudErrorCode): number {
    switch (code) {
      case 'EXCEED_REQUEST_LIMIT':
        return -403001 // SDK file storage error: the file exceeds the upload size limit
      case 'STORAGE_EXCEED_AUTHORITY':
        return WX_ERR_CODE.STORAGE_EXCEED_AUTHORITY
      case 'STORAGE_FILE_NONEXIST':
        return WX_ERR_CODE.STORAGE_FILE_NONEXIST
      case 'STORAGE_REQUEST_FAIL':
        return -503001
      case 'INVALID_PARAM':
      case 'INVALID_REQUEST_BODY':
        return WX_ERR_CODE.INVALID_PARAM
      default:
        return -501001
    }
  }

  // ---- shared ------------------------------------------------------------------------------------

  private async tempUrlFor(fileId: unknown, maxAge: unknown): Promise<{ outcome: FileOutcome; tempFileURL: string; maxAge: number }> {
    const age = typeof maxAge === 'number' && Number.isFinite(maxAge) && maxAge > 0 ? Math.min(Math.floor(maxAge) || 1, MAX_URL_AGE_SEC) : MAX_URL_AGE_SEC
    const parsed = parseFileId(fileId, this.requireCloud().envId, this.bucket)
    const fileID = typeof fileId === 'string' ? fileId : String(fileId)
    if ('problem' in parsed) return { outcome: { fileID, code: 'INVALID_PARAM', message: parsed.problem }, tempFileURL: '', maxAge: age }
    if (!(await this.store.stat(this.bucket, parsed.cloudPath))) {
      return { outcome: { fileID, code: 'STORAGE_FILE_NONEXIST', message: 'file does not exist' }, tempFileURL: '', maxAge: age }
    }
    return { outcome: { fileID, code: 'SUCCESS', message: 'ok' }, tempFileURL: this.tempFileUrl(parsed.cloudPath, age), maxAge: age }
  }

  private async deleteOne(fileId: unknown, caller: Caller): Promise<FileOutcome> {
    const parsed = parseFileId(fileId, this.requireCloud().envId, this.bucket)
    const fileID = typeof fileId === 'string' ? fileId : String(fileId)
    if ('problem' in parsed) return { fileID, code: 'INVALID_PARAM', message: parsed.problem }
    if (!(await this.store.stat(this.bucket, parsed.cloudPath))) return { fileID, code: 'STORAGE_FILE_NONEXIST', message: 'file does not exist' }
    if (caller.kind === 'user' && (await this.ownerOf(parsed.cloudPath)) !== caller.openid) {
      return { fileID, code: 'STORAGE_EXCEED_AUTHORITY', message: 'only the user who uploaded a file may delete it' }
    }
    const removed = await this.store.remove(this.bucket, parsed.cloudPath)
    return removed ? { fileID, code: 'SUCCESS', message: 'ok' } : { fileID, code: 'STORAGE_FILE_NONEXIST', message: 'file does not exist' }
  }

  /** The uploader of an existing file (null: the server), or undefined when there is no file. */
  private async ownerOf(cloudPath: string): Promise<string | null | undefined> {
    if (!(await this.store.stat(this.bucket, cloudPath))) return undefined
    return (await this.store.meta(this.bucket, cloudPath))?.owner ?? null
  }

  private fileList(value: unknown, field: string): unknown[] {
    if (!Array.isArray(value) || value.length === 0) throw new CloudError('INVALID_PARAM', `${field} must be a non-empty array`, 400)
    if (value.length > MAX_FILES_PER_CALL) throw new CloudError('INVALID_PARAM', `${field} holds ${value.length} files; at most ${MAX_FILES_PER_CALL} per call`, 400)
    return value
  }

  private openidOf(req: IncomingMessage): string | undefined {
    const header = req.headers['x-wx-openid']
    return typeof header === 'string' && header !== '' ? header : undefined
  }

  private sendCosError(res: ServerResponse, status: number, code: string, message: string, resource: string, requestId: string): void {
    const xml =
      `<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n` +
      `  <Code>${escapeXml(code)}</Code>\n  <Message>${escapeXml(message)}</Message>\n  <Resource>${escapeXml(resource)}</Resource>\n` +
      `  <RequestId>${escapeXml(requestId)}</RequestId>\n  <TraceId>${escapeXml(requestId)}</TraceId>\n</Error>\n`
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml), 'x-cos-request-id': requestId })
    res.end(xml)
  }

  private requireCloud(): LocalCloud {
    if (!this.cloud) throw new Error('storage module is not attached to a local cloud')
    return this.cloud
  }

  private requireSigner(): UrlSigner {
    if (!this.signer) throw new Error('storage module has not started')
    return this.signer
  }
}
