import { sendJson } from '../http'
import { CloudError } from '../errors'
import type { LocalCloud, LocalCloudModule } from '../server'

/** One open-API call a function made, as the local stand-in of WeChat received it. */
export interface OutboxEntry {
  seq: number
  api: string
  request: unknown
  at: number
  /** What WeChat answered: 0, or the failure a test programmed. */
  errcode: number
}

/**
 * The local stand-in for WeChat's open API calls that leave the store (shipping uploads,
 * subscribe messages): `POST /_local/wechat/outbox {api, request}` (what backend/wechat-open-api.ts
 * sends locally) records the call and answers `{errcode: 0}`; `GET /_local/wechat/outbox[?api=]`
 * lists what would have been sent; `POST /_local/wechat/failures {api, count, errcode?}` makes
 * the next `count` calls of `api` fail as WeChat would (e.g. 47001, -1 system busy), so tests can
 * check that a failure is retried and never undoes the business change. In memory, like the pay simulator.
 */
export class WeChatOutboxModule implements LocalCloudModule {
  readonly name = 'wechat'
  private cloud?: LocalCloud
  private readonly entries: OutboxEntry[] = []
  private readonly failures = new Map<string, { count: number; errcode: number }>()

  attach(cloud: LocalCloud): void {
    this.cloud = cloud
    cloud.addJsonEndpoint('/_local/wechat/outbox', (body) => {
      if (typeof body.api !== 'string' || body.api === '') throw new CloudError('INVALID_PARAM', 'give {"api", "request"}', 400)
      return this.record(body.api, body.request)
    })
    cloud.router.add('GET', /^\/_local\/wechat\/outbox$/, ({ res, url }) => {
      const api = url.searchParams.get('api')
      sendJson(res, 200, { entries: this.entries.filter((e) => !api || e.api === api) })
    })
    cloud.addJsonEndpoint('/_local/wechat/failures', (body) => {
      if (typeof body.api !== 'string' || !Number.isInteger(body.count)) throw new CloudError('INVALID_PARAM', 'give {"api", "count", "errcode"?}', 400)
      this.failures.set(body.api, { count: body.count as number, errcode: Number.isInteger(body.errcode) ? (body.errcode as number) : -1 })
      return { ok: true }
    })
  }

  /** Records one call; answers WeChat's `{errcode, errmsg}`. */
  record(api: string, request: unknown): { errcode: number; errmsg: string } {
    const failure = this.failures.get(api)
    let errcode = 0
    if (failure && failure.count > 0) {
      failure.count--
      errcode = failure.errcode
    }
    this.entries.push({ seq: this.entries.length + 1, api, request, at: this.cloud?.clock.now() ?? Date.now(), errcode })
    return { errcode, errmsg: errcode === 0 ? 'ok' : 'system error (simulated)' }
  }

  /** Everything recorded (tests in the same process may read it directly). */
  list(api?: string): OutboxEntry[] {
    return this.entries.filter((e) => !api || e.api === api)
  }
}
