import type { TestCloud } from '../helpers/local-cloud'
import type { ApiResult } from '../../typings/api'

export { expectOk, OWNER } from '../referral/helpers'

/** Calls a `store` action as `openid` (none: an identityless call). */
export function storeAs(t: TestCloud, openid?: string) {
  return <T = any>(action: string, data: unknown = {}) => t.invoke('store', { action, data }, openid ? { openid } : {}) as Promise<ApiResult<T>>
}

/** What the `customers` timer trigger delivers each minute (only the platform's trigger source runs it). */
export function refitTick(t: TestCloud): Promise<any> {
  return t.invoke('customers', { Type: 'Timer', TriggerName: 'valueRefit', Time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), Message: '' }, { source: 'wx_trigger' })
}
