/**
 * The WeChat open-API calls this backend makes, behind one interface: in production through
 * wx-server-sdk's cloud call (`cloud.openapi.*`, the only documented way on CloudBase; the
 * function's config.json must list the API under `permissions.openapi`), loaded lazily so that
 * nothing else depends on it; under the local cloud, a local stand-in that needs no network.
 *
 * To deploy: add `"wx-server-sdk"` (4.x) to the function's package.json (the build keeps it
 * external) and `"permissions": { "openapi": ["wxacode.getUnlimited"] }` to its config.json
 * (the `orders` and `payCallback`/`refundCallback` functions: `"wxa.sec.order.uploadShippingInfo"`
 * and `"subscribeMessage.send"`).
 *
 * Locally, shipping uploads and subscribe messages go to the local cloud's WeChat outbox
 * (`localcloud/wechat/`, `GET /_local/wechat/outbox`), which records what would be sent.
 */
import QRCode from 'qrcode'

export interface UnlimitedCodeRequest {
  /** At most 32 visible characters from `[0-9A-Za-z!#$&'()*+,/:;=?@-._~]`. */
  scene: string
  /** A page of the published mini program, no leading slash, no query. */
  page: string
  width?: number
}

/** One cloudID's open data: `data` when WeChat vouches for it, else an error. */
export interface OpenDataEntry {
  cloudID: string
  data?: unknown
  errCode?: number
  errMsg?: string
}

/**
 * 发货信息录入 (`wxa.sec.order.uploadShippingInfo`, HTTPS `upload_shipping_info`) in the cloud
 * call's camelCase: the order by WeChat Pay transaction id (orderNumberType 2), express delivery
 * (logisticsType 1), one parcel (deliveryMode 1).
 */
export interface ShippingUpload {
  orderKey: { orderNumberType: 2; transactionId: string }
  logisticsType: 1
  deliveryMode: 1
  shippingList: Array<{ trackingNo: string; expressCompany: string; itemDesc: string }>
  /** RFC 3339, with the China offset; a later upload of the same order must carry a later time. */
  uploadTime: string
  payer: { openid: string }
}

/** `subscribeMessage.send`: one message of an accepted one-time template. */
export interface SubscribeMessage {
  touser: string
  templateId: string
  page: string
  data: Record<string, { value: string }>
  miniprogramState?: 'developer' | 'trial' | 'formal'
}

/** A refusal of an open-API call by WeChat (errcode != 0). */
export class OpenApiError extends Error {
  constructor(
    readonly api: string,
    readonly errCode: number,
    errMsg: string,
  ) {
    super(`${api} failed: ${errCode} ${errMsg}`)
    this.name = 'OpenApiError'
  }
}

export interface WeChatOpenApi {
  /** `wxacode.getUnlimited`: the PNG bytes of a mini program code that opens `page` with `scene`. */
  getUnlimitedCode(request: UnlimitedCodeRequest): Promise<Buffer>
  /**
   * `cloud.getOpenData`: the open data behind cloudIDs the mini program obtained (e.g. a group's
   * openGId from `wx.getGroupEnterInfo`), one entry per id in order. Only the platform can
   * resolve a cloudID, so the data cannot be forged by the client.
   */
  getOpenData(cloudIds: string[]): Promise<OpenDataEntry[]>
  /** Uploads an order's shipping to WeChat; throws (OpenApiError or a transport error) when WeChat has not accepted it. */
  uploadShippingInfo(request: ShippingUpload): Promise<void>
  /** Sends one subscribe message; throws when WeChat has not accepted it. */
  sendSubscribeMessage(message: SubscribeMessage): Promise<void>
}

/** The result of an open-API cloud call: wx-server-sdk answers `{errCode, errMsg}` (0 = ok). */
function checkResult(api: string, result: { errCode?: unknown; errcode?: unknown; errMsg?: unknown; errmsg?: unknown } | undefined): void {
  const code = Number(result?.errCode ?? result?.errcode ?? 0)
  if (code !== 0) throw new OpenApiError(api, code, String(result?.errMsg ?? result?.errmsg ?? ''))
}

/** Production: CloudBase's cloud call through wx-server-sdk, required on first use. */
class CloudCallOpenApi implements WeChatOpenApi {
  private cloud: any
  private sdk(): any {
    if (!this.cloud) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      this.cloud = require('wx-server-sdk')
      this.cloud.init({ env: this.cloud.DYNAMIC_CURRENT_ENV })
    }
    return this.cloud
  }
  async getUnlimitedCode(request: UnlimitedCodeRequest): Promise<Buffer> {
    const result = await this.sdk().openapi.wxacode.getUnlimited({
      scene: request.scene,
      page: request.page,
      width: request.width ?? 430,
      checkPath: process.env.WXACODE_CHECK_PATH !== 'false',
      envVersion: process.env.WXACODE_ENV_VERSION ?? 'release',
    })
    if (result?.errCode) throw new Error(`wxacode.getUnlimited failed: ${result.errCode} ${result.errMsg ?? ''}`)
    return Buffer.from(result.buffer)
  }
  async getOpenData(cloudIds: string[]): Promise<OpenDataEntry[]> {
    const result = await this.sdk().getOpenData({ list: cloudIds })
    return (result?.list ?? []) as OpenDataEntry[]
  }
  async uploadShippingInfo(request: ShippingUpload): Promise<void> {
    checkResult('wxa.sec.order.uploadShippingInfo', await this.sdk().openapi.wxa.sec.order.uploadShippingInfo(request))
  }
  async sendSubscribeMessage(message: SubscribeMessage): Promise<void> {
    checkResult('subscribeMessage.send', await this.sdk().openapi.subscribeMessage.send({ miniprogramState: 'formal', ...message }))
  }
}

/**
 * Local: a real QR code PNG of `<page>?scene=<scene>` (a WeChat mini program code can only be
 * drawn by WeChat), so the poster flow works end to end and a phone camera can read it.
 */
class LocalOpenApi implements WeChatOpenApi {
  async getUnlimitedCode(request: UnlimitedCodeRequest): Promise<Buffer> {
    return QRCode.toBuffer(`${request.page}?scene=${encodeURIComponent(request.scene)}`, {
      type: 'png',
      width: request.width ?? 430,
      margin: 2,
      errorCorrectionLevel: 'M',
    })
  }
  /** The local cloud's simulated WeChat side issued the cloudIDs (localcloud/open-data/) and resolves them. */
  async getOpenData(cloudIds: string[]): Promise<OpenDataEntry[]> {
    const res = await fetch(`${(process.env.LOCAL_CLOUD_URL ?? '').replace(/\/$/, '')}/_local/open-data/resolve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ list: cloudIds }),
    })
    if (!res.ok) throw new Error(`local open data: HTTP ${res.status} ${await res.text()}`)
    return ((await res.json()) as { list: OpenDataEntry[] }).list
  }
  uploadShippingInfo(request: ShippingUpload): Promise<void> {
    return this.outbox('wxa.sec.order.uploadShippingInfo', request)
  }
  sendSubscribeMessage(message: SubscribeMessage): Promise<void> {
    return this.outbox('subscribeMessage.send', message)
  }
  /** The local cloud's WeChat outbox records the call and answers as WeChat would (errcode 0, or a failure a test asked for). */
  private async outbox(api: string, request: object): Promise<void> {
    const base = (process.env.LOCAL_CLOUD_URL ?? '').replace(/\/$/, '')
    const res = await fetch(`${base}/_local/wechat/outbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api, request }) })
    if (!res.ok) throw new Error(`local WeChat outbox: HTTP ${res.status}`)
    checkResult(api, (await res.json()) as { errcode?: unknown; errmsg?: unknown })
  }
}

let api: WeChatOpenApi | undefined

/** The open API of this process: local under the local cloud (LOCAL_CLOUD_URL), else the cloud call. */
export function wechatOpenApi(): WeChatOpenApi {
  api ??= process.env.LOCAL_CLOUD_URL ? new LocalOpenApi() : new CloudCallOpenApi()
  return api
}
