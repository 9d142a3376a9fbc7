import type { TestCloud } from '../helpers/local-cloud'
import type { ApiResult } from '../../typings/api'

/** The store owner the catalogue tests configure (owners come only from OWNER_OPENIDS, read by the functions' workers). */
export const OWNER = 'o-catalog-owner'

export function configureOwner(): void {
  process.env.OWNER_OPENIDS = OWNER
}

/** Calls a `catalog` action as `openid` (none: Moments single-page mode, no identity). */
export function catalogAs(t: TestCloud, openid?: string) {
  return <T = any>(action: string, data: unknown = {}) => t.invoke('catalog', { action, data }, openid ? { openid } : {}) as Promise<ApiResult<T>>
}

export function expectOk<T>(res: ApiResult<T>): T {
  if (!res.ok) throw new Error(`expected ok, got ${res.code}: ${res.message}`)
  return res.data
}

/** Every page of listProducts for `request`, following nextCursor. */
export async function walkProducts(t: TestCloud, request: Record<string, unknown>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = []
  let cursor: string | undefined
  let pages = 0
  for (;;) {
    const page = expectOk<any>(await catalogAs(t)('listProducts', { ...request, ...(cursor ? { cursor } : {}) }))
    pages++
    ids.push(...page.products.map((p: any) => p._id))
    if (page.nextCursor === null) return { ids, pages }
    if (pages > 1000) throw new Error('the cursor never ends')
    cursor = page.nextCursor
  }
}
