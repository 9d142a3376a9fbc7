/** What the owner's pages share: list states, the first-load reset, and the refusal state. */
import { errorMessage } from '../utils/errors'
import { isApiError } from '../services/transport'

export type ListStatus = 'loading' | 'ready' | 'empty' | 'error' | 'forbidden'

/** A list about to load its first page (cursor-paged, infinite scroll). */
export const LIST_LOADING = { status: 'loading' as ListStatus, errorMessage: '', nextCursor: null as string | null, loadingMore: false, moreError: '', finished: false }

export const FORBIDDEN_TEXT = '仅店主可以使用此页面'

/** The whole-page failure: a refusal of the role gets its own state (no retry will help), the rest the error state. */
export function toOwnerErrorView(err: unknown): { status: 'error' | 'forbidden'; errorMessage: string } {
  if (isApiError(err) && (err.code === 'FORBIDDEN' || err.code === 'UNAUTHENTICATED')) return { status: 'forbidden', errorMessage: FORBIDDEN_TEXT }
  return { status: 'error', errorMessage: errorMessage(err) }
}
