import { randomBytes } from 'node:crypto'
import { CloudError } from '../errors'
import type { LocalCloud, LocalCloudModule } from '../server'

/** WeChat's cloudIDs are valid for five minutes. */
const CLOUD_ID_TTL_MS = 5 * 60_000
/** Registered entries kept at most (oldest dropped first), so a long demo session stays small. */
const MAX_ENTRIES = 10_000

/**
 * Open data by cloudID, as WeChat hands it out. On WeChat, APIs such as `wx.getGroupEnterInfo`
 * give the page a `cloudID` and only the server can turn it into the data (`cloud.getOpenData`),
 * so a client cannot forge, say, a group id. Locally the simulated WeChat side issues them:
 * `POST /_local/open-data {data}` answers `{cloudID}` (what the preview's `wx.getGroupEnterInfo`
 * and tests call), and `POST /_local/open-data/resolve {list}` answers `{list: [{cloudID, data}
 * | {cloudID, errCode, errMsg}]}` (what the functions' open API adapter calls). Entries expire on
 * the local clock like WeChat's and live in memory.
 */
export class OpenDataModule implements LocalCloudModule {
  readonly name = 'open-data'
  private readonly entries = new Map<string, { data: unknown; expiresAt: number }>()

  attach(cloud: LocalCloud): void {
    cloud.addJsonEndpoint('/_local/open-data', (body) => {
      if (typeof body.data !== 'object' || body.data === null || Array.isArray(body.data)) throw new CloudError('INVALID_PARAM', 'data must be an object')
      return { cloudID: this.issue(body.data, cloud.clock.now()) }
    })
    cloud.addJsonEndpoint('/_local/open-data/resolve', (body) => {
      if (!Array.isArray(body.list) || body.list.some((id) => typeof id !== 'string')) throw new CloudError('INVALID_PARAM', 'list must be an array of cloudID strings')
      return { list: (body.list as string[]).map((id) => this.resolve(id, cloud.clock.now())) }
    })
  }

  private issue(data: object, now: number): string {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string)
    const cloudID = `local_${randomBytes(12).toString('hex')}`
    this.entries.set(cloudID, { data, expiresAt: now + CLOUD_ID_TTL_MS })
    return cloudID
  }

  private resolve(cloudID: string, now: number): object {
    const entry = this.entries.get(cloudID)
    if (!entry || entry.expiresAt <= now) return { cloudID, errCode: -1, errMsg: 'cloudID is invalid or expired (local open data)' }
    return { cloudID, data: entry.data }
  }
}
