/** Pure parts of the share page: what the card and the poster say, and where the poster draws what. */
import type { ProductSummary } from '../../../typings/catalog'
import { formatFen } from '../../utils/money'

export interface ShareView {
  status: 'loading' | 'ready' | 'error'
  errorMessage: string
  /** Opened from a Moments share by someone else: show the store, not the seller's tools. */
  visitor: boolean
  title: string
  productName: string
  priceText: string
  shortCode: string
  /** Displayable URLs ('' when none). */
  productImage: string
  codeImage: string
  posterDrawn: boolean
  busy: boolean
}

export const LOADING_SHARE: ShareView = {
  status: 'loading',
  errorMessage: '',
  visitor: false,
  title: '',
  productName: '',
  priceText: '',
  shortCode: '',
  productImage: '',
  codeImage: '',
  posterDrawn: false,
  busy: false,
}

export function productLine(product: ProductSummary | undefined): { productName: string; priceText: string } {
  return product ? { productName: product.name, priceText: formatFen(product.fromPriceFen) } : { productName: '', priceText: '' }
}

/** The chat card's path before `referral.shareCard` answers (the same the function gives): the product page or home, with the code. */
export function cardPath(shortCode: string, productId?: string): string {
  return productId ? `/pages/product/detail/index?id=${encodeURIComponent(productId)}&ref=${encodeURIComponent(shortCode)}` : `/pages/home/index?ref=${encodeURIComponent(shortCode)}`
}

/** The Moments share's query: the sharer's code (and product), nothing else; Moments opens this page in single-page mode. */
export function timelineQuery(shortCode: string, productId?: string): string {
  return productId ? `ref=${encodeURIComponent(shortCode)}&id=${encodeURIComponent(productId)}` : `ref=${encodeURIComponent(shortCode)}`
}

export interface PosterText {
  text: string
  x: number
  y: number
  font: string
  color: string
}

export interface PosterLayout {
  width: number
  height: number
  image: { x: number; y: number; size: number } | null
  code: { x: number; y: number; size: number }
  texts: PosterText[]
}

/** The poster, in CSS pixels: product image on top, name and price, the mini program code bottom right. */
export function posterLayout(width: number, content: { title: string; productName: string; priceText: string; hasImage: boolean }): PosterLayout {
  const pad = Math.round(width * 0.06)
  const imageSize = width - pad * 2
  let y = pad
  const image = content.hasImage ? { x: pad, y, size: imageSize } : null
  if (image) y += imageSize + pad
  const texts: PosterText[] = []
  const name = content.productName || content.title
  texts.push({ text: name, x: pad, y: y + 20, font: `bold ${Math.round(width * 0.05)}px sans-serif`, color: '#222222' })
  if (content.priceText) texts.push({ text: content.priceText, x: pad, y: y + 56, font: `bold ${Math.round(width * 0.06)}px sans-serif`, color: '#e4393c' })
  const codeSize = Math.round(width * 0.28)
  const codeY = y + 80
  texts.push({ text: '长按识别小程序码', x: pad, y: codeY + codeSize / 2, font: `${Math.round(width * 0.036)}px sans-serif`, color: '#888888' })
  return { width, height: codeY + codeSize + pad, image, code: { x: width - pad - codeSize, y: codeY, size: codeSize }, texts }
}
