/** The order domain: state machine, pricing, shipping and proration. Pure; no SDK. */
export { assertTransition, canTransition, ORDER_TRANSITIONS, OrderTransitionError } from './state'
export { DEFAULT_SHIPPING_RULE, mergeLines, PricingError, prorate, quoteOrder, shippingFee, shippingRuleFrom } from './pricing'
export type { PricedProduct, PricedSku, PricingErrorCode } from './pricing'
export { quoteRefund, RefundError, unitsAmount, unitsTaken } from './refunds'
export type { RefundableOrder, RefundQuote } from './refunds'
