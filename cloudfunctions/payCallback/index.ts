/**
 * `payCallback`: WeChat Pay's payment notification (CloudBase invokes it with source
 * `wx_paycallback` and cloudPay's camelCase fields). It is the only way an order becomes paid
 * from outside. Refuses anything else; idempotent on outTradeNo; in ONE transaction marks the
 * order paid and records the purchase on the customer (value statistics and score) and on the
 * order's seller (backend/paid-order.ts). Answers `{errcode: 0}` when the notification is
 * settled (applied now or before), non-zero otherwise, so WeChat retries.
 */
import { z } from 'zod'
import { calledFrom, type FunctionContext } from '../../backend/cloud'
import { answer, REFUSED, settlePayment, type PayCallbackAnswer } from '../../backend/paid-order'

const notificationSchema = z
  .object({
    returnCode: z.string(),
    resultCode: z.string(),
    outTradeNo: z.string().regex(/^[0-9A-Za-z_-]{1,32}$/),
    totalFee: z.number().int().positive(),
    cashFee: z.number().int().nonnegative().optional(),
    feeType: z.string().optional(),
    transactionId: z.string().min(1).max(64),
    timeEnd: z.string().optional(),
    openid: z.string().optional(),
    subOpenid: z.string().optional(),
  })
  .passthrough()

export async function main(event: unknown, context: FunctionContext): Promise<PayCallbackAnswer> {
  if (!calledFrom(context, 'wx_paycallback')) return answer(REFUSED.source, 'only WeChat Pay may notify payments')
  const parsed = notificationSchema.safeParse(event)
  if (!parsed.success) return answer(REFUSED.fields, 'not a payment notification')
  const note = parsed.data
  if (note.returnCode !== 'SUCCESS' || note.resultCode !== 'SUCCESS') return answer(REFUSED.failure, 'not a successful payment')
  if ((note.feeType ?? 'CNY') !== 'CNY') return answer(REFUSED.amount, 'currency must be CNY')
  return settlePayment(note, 'payCallback')
}
