/**
 * `customers`: a seller's My customers (list and one customer). Identity only from the platform
 * context; the seller is the caller's active `sellers` document, owners only from OWNER_OPENIDS.
 * Its timer (every minute) runs the value refit: the nightly job from 03:00 store time, and
 * whatever job is running continued batch by batch (backend/value-refit.ts).
 */
import { z } from 'zod'
import { isTimerCall, type FunctionContext } from '../../backend/cloud'
import { action, defineFunction } from '../../backend/handler'
import { jobView, refitTick } from '../../backend/value-refit'
import { customerDetail, customerScope, listCustomers, MAX_PAGE_SIZE } from '../../backend/my-customers'
import type { ResponseOf } from '../../typings/api'

const sellerId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/)
const customerId = z.string().min(1).max(128)
const segment = z.enum(['new', 'champion', 'loyal', 'promising', 'at_risk', 'lost'])

const handle = defineFunction('customers', {
  /** The caller's customers by value, recency or spend, filtered by segment or nickname, one cursor page at a time. */
  list: action({
    schema: z
      .object({
        sort: z.enum(['clv', 'recency', 'spend']),
        segment: segment.optional(),
        nickname: z.string().trim().min(1).max(32).optional(),
        cursor: z.string().min(1).max(512).optional(),
        pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
        sellerId: sellerId.optional(),
      })
      .strict(),
    needsIdentity: true,
    run: async ({ data, caller }): Promise<ResponseOf<'customers', 'list'>> => {
      const { sellerId: requested, ...request } = data
      return listCustomers(await customerScope(caller, requested), request)
    },
  }),

  /** One of the caller's customers; another seller's customer is NOT_FOUND. */
  detail: action({
    schema: z.object({ customerId, sellerId: sellerId.optional() }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }): Promise<ResponseOf<'customers', 'detail'>> => customerDetail(await customerScope(caller, data.sellerId), data.customerId),
  }),
})

/** Timer events (only from the platform's trigger) work on the value refit; everything else is an action call. */
export async function main(event: unknown, context: FunctionContext): Promise<unknown> {
  if (isTimerCall(event, context)) {
    const job = await refitTick()
    return { job: job ? jobView(job) : null }
  }
  return handle(event, context)
}
