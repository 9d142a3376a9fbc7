/** Pure parts of the checkout page: the server's quote and the chosen address -> what the page shows. */
import type { Quote, ShippingAddress } from '../../../typings/orders'
import { formatFen } from '../../utils/money'
import { addressText } from '../../utils/address'
import { errorMessage } from '../../utils/errors'
import { isApiError } from '../../services/transport'

export type CheckoutStatus = 'loading' | 'ready' | 'unavailable' | 'empty' | 'error'

/** The fields of `wx.chooseAddress`'s answer an order needs. */
type ChosenAddress = Pick<WechatMiniprogram.ChooseAddressSuccessCallbackResult, 'userName' | 'telNumber' | 'provinceName' | 'cityName' | 'countyName' | 'detailInfo' | 'postalCode'>

export interface AddressView {
  name: string
  phone: string
  /** '广东省广州市海珠区新港中路397号' */
  text: string
}

export interface CheckoutLineView {
  skuId: string
  name: string
  spec: string
  cover: string
  priceText: string
  quantity: number
  amountText: string
}

export interface CheckoutView {
  status: CheckoutStatus
  errorMessage: string
  lines: CheckoutLineView[]
  itemsText: string
  shippingText: string
  totalText: string
  address: AddressView | null
  submitting: boolean
  canSubmit: boolean
}

export const LOADING_CHECKOUT: CheckoutView = {
  status: 'loading',
  errorMessage: '',
  lines: [],
  itemsText: '',
  shippingText: '',
  totalText: '',
  address: null,
  submitting: false,
  canSubmit: false,
}

/** The order's address from what wx.chooseAddress answered, or null when it lacks a name, phone, province, city or street. */
export function toShippingAddress(res: Partial<Record<keyof ChosenAddress, unknown>>): ShippingAddress | null {
  const text = (key: keyof ChosenAddress) => (typeof res[key] === 'string' ? (res[key] as string).trim() : '')
  const address: ShippingAddress = {
    name: text('userName'),
    phone: text('telNumber'),
    province: text('provinceName'),
    city: text('cityName'),
    district: text('countyName'),
    detail: text('detailInfo'),
    postalCode: text('postalCode').replace(/[^0-9]/g, ''),
  }
  return address.name && address.phone && address.province && address.city && address.detail ? address : null
}

export function toAddressView(address: ShippingAddress | null): AddressView | null {
  if (!address) return null
  return { name: address.name, phone: address.phone, text: addressText(address) }
}

/** The ready page: lines, shipping and totals only from the quote. */
export function toCheckoutView(quote: Quote, imageUrls: Record<string, string>, address: ShippingAddress | null): CheckoutView {
  return {
    status: 'ready',
    errorMessage: '',
    lines: quote.lines.map((l) => ({
      skuId: l.skuId,
      name: l.name,
      spec: l.spec,
      cover: (l.image && imageUrls[l.image]) || '',
      priceText: formatFen(l.priceFen),
      quantity: l.quantity,
      amountText: formatFen(l.amountFen),
    })),
    itemsText: formatFen(quote.itemsFen),
    shippingText: quote.shippingFen === 0 ? '免运费' : formatFen(quote.shippingFen),
    totalText: formatFen(quote.totalFen),
    address: toAddressView(address),
    submitting: false,
    canSubmit: quote.lines.length > 0,
  }
}

/**
 * A quote the server refused: OUT_OF_STOCK / PRODUCT_UNAVAILABLE name the line (by its name from
 * an earlier quote when there was one) and the page offers the cart; anything else is an error to retry.
 */
export function toCheckoutRefusedView(err: unknown, earlier: Quote | null, address: ShippingAddress | null): CheckoutView {
  if (isApiError(err) && (err.code === 'OUT_OF_STOCK' || err.code === 'PRODUCT_UNAVAILABLE')) {
    const skuId = (err.data as { skuId?: unknown } | undefined)?.skuId
    const line = earlier?.lines.find((l) => l.skuId === skuId)
    const what = line ? `「${[line.name, line.spec].filter(Boolean).join(' ')}」` : '部分商品'
    const why = err.code === 'OUT_OF_STOCK' ? '库存不足' : '已下架'
    return { ...LOADING_CHECKOUT, status: 'unavailable', errorMessage: `${what}${why}，请修改后再结算`, address: toAddressView(address) }
  }
  return { ...LOADING_CHECKOUT, status: 'error', errorMessage: errorMessage(err), address: toAddressView(address) }
}

export const EMPTY_CHECKOUT: CheckoutView = { ...LOADING_CHECKOUT, status: 'empty', errorMessage: '没有要结算的商品' }

/** The result page for an order, saying how the payment sheet ended and where the lines came from. */
export function payResultUrl(orderId: string, sheet: 'paid' | 'cancelled' | 'failed', fromCart: boolean): string {
  return `/pages/pay-result/index?orderId=${encodeURIComponent(orderId)}&sheet=${sheet}${fromCart ? '&from=cart' : ''}`
}

