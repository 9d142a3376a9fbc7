/**
 * The shopper's cart, kept on the phone (wx storage) until checkout: only SKU ids and quantities,
 * never prices (the server prices the cart when it is shown and at checkout). Pure list operations
 * plus thin storage wrappers.
 */
import type { RequestedLine } from '../../typings/orders'

export type CartLine = RequestedLine

export const CART_STORAGE_KEY = 'cart.v1'
/** No line holds more than this many units. */
export const MAX_LINE_QUANTITY = 99

function wholeQuantity(quantity: number, limit: number): number {
  const cap = Math.max(0, Math.min(MAX_LINE_QUANTITY, Math.floor(limit)))
  return Number.isFinite(quantity) ? Math.max(0, Math.min(cap, Math.floor(quantity))) : 0
}

/** Whatever storage held, as valid lines (a corrupt or foreign value reads as an empty cart). */
export function parseCart(stored: unknown): CartLine[] {
  if (!Array.isArray(stored)) return []
  const lines: CartLine[] = []
  for (const item of stored) {
    if (typeof item !== 'object' || item === null) continue
    const { skuId, quantity } = item as { skuId?: unknown; quantity?: unknown }
    if (typeof skuId !== 'string' || skuId === '' || typeof quantity !== 'number') continue
    const q = wholeQuantity(quantity, MAX_LINE_QUANTITY)
    if (q > 0 && !lines.some((l) => l.skuId === skuId)) lines.push({ skuId, quantity: q })
  }
  return lines
}

/** Adds `quantity` units of a SKU (merged into its line, newest line first), at most `limit` (e.g. the units available) in the line. */
export function addLine(lines: readonly CartLine[], skuId: string, quantity: number, limit = MAX_LINE_QUANTITY): CartLine[] {
  const existing = lines.find((l) => l.skuId === skuId)
  const total = wholeQuantity((existing?.quantity ?? 0) + Math.floor(quantity), limit)
  const rest = lines.filter((l) => l.skuId !== skuId)
  return total > 0 ? [{ skuId, quantity: total }, ...rest] : rest
}

/** Sets a line's quantity (0 or less removes it); a SKU not in the cart is left out. */
export function updateLine(lines: readonly CartLine[], skuId: string, quantity: number, limit = MAX_LINE_QUANTITY): CartLine[] {
  const q = wholeQuantity(quantity, limit)
  return q > 0 ? lines.map((l) => (l.skuId === skuId ? { skuId, quantity: q } : l)) : removeLine(lines, skuId)
}

export function removeLine(lines: readonly CartLine[], skuId: string): CartLine[] {
  return lines.filter((l) => l.skuId !== skuId)
}

// ---- storage ----------------------------------------------------------------------------------

export function listCart(): CartLine[] {
  try {
    return parseCart(wx.getStorageSync(CART_STORAGE_KEY))
  } catch {
    return []
  }
}

function save(lines: CartLine[]): CartLine[] {
  wx.setStorageSync(CART_STORAGE_KEY, lines)
  return lines
}

/** Adds units of a SKU to the stored cart; answers the cart. */
export function addToCart(skuId: string, quantity: number, limit?: number): CartLine[] {
  return save(addLine(listCart(), skuId, quantity, limit))
}

export function updateCartQuantity(skuId: string, quantity: number, limit?: number): CartLine[] {
  return save(updateLine(listCart(), skuId, quantity, limit))
}

export function removeFromCart(skuId: string): CartLine[] {
  return save(removeLine(listCart(), skuId))
}

/** Takes these SKUs' lines out of the stored cart (e.g. once they are bought); answers the cart. */
export function removeManyFromCart(skuIds: readonly string[]): CartLine[] {
  return save(listCart().filter((l) => !skuIds.includes(l.skuId)))
}

/** Units in the cart, for a badge. */
export function cartCount(lines: readonly CartLine[] = listCart()): number {
  return lines.reduce((n, l) => n + l.quantity, 0)
}
