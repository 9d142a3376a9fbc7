/**
 * `refundCallback`: WeChat Pay's refund notification, named as functionName in every refund the
 * store asks for (backend/refunds.ts). CloudBase invokes it with source `wx_paycallback` and the
 * notification's fields in camelCase, `req_info` decrypted into `reqInfo`. Refuses any other
 * source or shape; checks the refund against the one recorded on the order (number, amount,
 * payment); idempotent on outRefundNo. Answers `{errcode: 0}` when the refund is settled (now or
 * before), non-zero otherwise, so WeChat retries.
 */
import { z } from 'zod'
import { calledFrom, type FunctionContext } from '../../backend/cloud'
import { answer, type PayCallbackAnswer } from '../../backend/paid-order'
import { REFUND_REFUSED, settleRefund } from '../../backend/refunds'

const id = z.string().regex(/^[0-9A-Za-z_*@|-]{1,64}$/)
const fen = z.number().int().positive()

const notificationSchema = z
  .object({
    returnCode: z.literal('SUCCESS'),
    reqInfo: z
      .object({
        transactionId: id,
        outTradeNo: z.string().regex(/^[0-9A-Za-z_-]{1,32}$/),
        refundId: id,
        outRefundNo: id,
        totalFee: fen,
        refundFee: fen,
        settlementTotalFee: fen.optional(),
        settlementRefundFee: z.number().int().nonnegative().optional(),
        refundStatus: z.enum(['SUCCESS', 'CHANGE', 'REFUNDCLOSE']),
        successTime: z.string().optional(),
      })
      .passthrough(),
  })
  .passthrough()

export async function main(event: unknown, context: FunctionContext): Promise<PayCallbackAnswer> {
  if (!calledFrom(context, 'wx_paycallback')) return answer(REFUND_REFUSED.source, 'only WeChat Pay may notify refunds')
  const parsed = notificationSchema.safeParse(event)
  if (!parsed.success) return answer(REFUND_REFUSED.fields, 'not a refund notification')
  return settleRefund(parsed.data.reqInfo)
}
