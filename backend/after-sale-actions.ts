/**
 * The after-sale actions of the `orders` function (registered there): the buyer's receipt,
 * refunds and subscribe-message consent; the owner's order desk. Strict schemas; identity only
 * from the context; owner actions through requireOwner.
 */
import { z } from 'zod'
import { cloudApp } from './cloud'
import { action, type ActionSpec } from './handler'
import { requireOwner } from './roles'
import { acceptTemplates, subscribeTemplates } from './notifications'
import { adminViewOf, afterSaleView, anyOrder, buyersOrder, confirmReceipt, countByStatus, listForOwner, refundView, shipOrder, WORK_QUEUES } from './after-sale'
import { approveRefund, rejectRefund, requestRefund, withdrawRefund } from './refunds'

const db = () => cloudApp().database()

const orderId = z.string().regex(/^[0-9A-Za-z_-]{1,32}$/)
const orderIdSchema = z.object({ orderId }).strict()
const status = z.enum(['pending_payment', 'paid', 'shipped', 'completed', 'cancelled', 'refund_requested', 'refunded'])

export const afterSaleActions: Record<string, ActionSpec<any, any>> = {
  confirmReceipt: action({
    schema: orderIdSchema,
    needsIdentity: true,
    run: async ({ data, caller }) => ({ order: afterSaleView(await confirmReceipt(db(), caller.openid!, data.orderId)) }),
  }),
  afterSale: action({
    schema: orderIdSchema,
    needsIdentity: true,
    run: async ({ data, caller }) => ({ order: afterSaleView(await buyersOrder(db(), caller.openid!, data.orderId)) }),
  }),
  'refund.request': action({
    schema: z
      .object({
        orderId,
        requestId: z.string().regex(/^[0-9A-Za-z_-]{8,64}$/),
        reason: z.string().trim().min(1).max(200),
        lines: z
          .array(z.object({ skuId: z.string().min(1).max(64), quantity: z.number().int().min(1).max(999) }).strict())
          .min(1)
          .max(50)
          .optional(),
      })
      .strict(),
    needsIdentity: true,
    run: async ({ data, caller }) => {
      const { order, refund } = await requestRefund(db(), caller.openid!, data.orderId, data.requestId, data.reason, data.lines)
      return { order: afterSaleView(order), refund: refundView(refund) }
    },
  }),
  'refund.withdraw': action({
    schema: orderIdSchema,
    needsIdentity: true,
    run: async ({ data, caller }) => ({ order: afterSaleView(await withdrawRefund(db(), caller.openid!, data.orderId)) }),
  }),
  'subscribe.templates': action({ schema: z.object({}).strict(), run: async () => ({ templates: subscribeTemplates() }) }),
  'subscribe.accept': action({
    schema: z.object({ templateIds: z.array(z.string().regex(/^[0-9A-Za-z_-]{1,64}$/)).min(1).max(10) }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }) => ({ credits: await acceptTemplates(db(), caller.openid!, data.templateIds) }),
  }),
  'admin.list': action({
    schema: z.object({ status, cursor: z.string().min(1).max(200).optional(), pageSize: z.number().int().min(1).max(50).default(20) }).strict(),
    needsIdentity: true,
    run: ({ data, caller }) => {
      requireOwner(caller)
      return listForOwner(db(), data.status, data.cursor, data.pageSize)
    },
  }),
  'admin.counts': action({
    schema: z.object({ statuses: z.array(status).min(1).max(7).optional() }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }) => {
      requireOwner(caller)
      return { counts: await countByStatus(db(), data.statuses ?? WORK_QUEUES) }
    },
  }),
  'admin.detail': action({
    schema: orderIdSchema,
    needsIdentity: true,
    run: async ({ data, caller }) => {
      requireOwner(caller)
      return { order: await adminViewOf(db(), await anyOrder(db(), data.orderId)) }
    },
  }),
  'admin.ship': action({
    schema: z.object({ orderId, carrier: z.string().regex(/^[A-Za-z0-9_]{1,32}$/), trackingNo: z.string().regex(/^[A-Za-z0-9-]{4,64}$/) }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }) => {
      requireOwner(caller)
      return { order: await adminViewOf(db(), await shipOrder(db(), data.orderId, data.carrier, data.trackingNo)) }
    },
  }),
  'admin.refund.approve': action({
    schema: z.object({ orderId, restock: z.boolean() }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }) => {
      requireOwner(caller)
      const { order, submitted } = await approveRefund(db(), data.orderId, data.restock)
      return { order: await adminViewOf(db(), order), submitted }
    },
  }),
  'admin.refund.reject': action({
    schema: z.object({ orderId, reason: z.string().trim().min(1).max(200).optional() }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }) => {
      requireOwner(caller)
      return { order: await adminViewOf(db(), await rejectRefund(db(), data.orderId, data.reason)) }
    },
  }),
}
