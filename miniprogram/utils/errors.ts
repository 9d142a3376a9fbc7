/** The one mapping from a typed error code to what a person reads; a raw error is never shown. */
import type { ErrorCode } from '../../typings/api'
import { isApiError } from '../services/transport'

const MESSAGES: Readonly<Record<ErrorCode, string>> = {
  INVALID_INPUT: '填写的内容有误，请检查后重试',
  UNAUTHENTICATED: '请在微信中打开小程序后再试',
  FORBIDDEN: '你没有权限进行此操作',
  NOT_FOUND: '内容不存在或已下架',
  OUT_OF_STOCK: '库存不足',
  PRODUCT_UNAVAILABLE: '商品已下架',
  ORDER_NOT_FOUND: '订单不存在',
  INVALID_TRANSITION: '状态已变化，请刷新后重试',
  PAYMENT_FAILED: '支付未完成，请稍后重试',
  IN_USE: '仍在使用中，无法删除',
  REFUND_INVALID: '退款的商品或数量有误',
  CONFLICT: '内容已被更新，请刷新后重试',
  INSUFFICIENT_BALANCE: '可提现余额不足',
  INTERNAL: '网络开小差了，请稍后重试',
}

/** What to tell the person about `err`: the code's Chinese message, INTERNAL's for anything untyped. */
export function errorMessage(err: unknown): string {
  return MESSAGES[isApiError(err) ? err.code : 'INTERNAL'] ?? MESSAGES.INTERNAL
}

/** Shows `errorMessage(err)` as a toast. */
export function toastError(err: unknown): void {
  wx.showToast({ title: errorMessage(err), icon: 'none', duration: 2500 })
}
