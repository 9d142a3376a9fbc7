/** A shipping address in one line, the one way pages show it. */
import type { ShippingAddress } from '../../typings/orders'

/** '广东省广州市海珠区新港中路397号'; a municipality repeats itself (北京市北京市), so it is said once. */
export function addressText(address: ShippingAddress): string {
  const parts = [address.province, address.city, address.district].filter((p, i, all) => p && all.indexOf(p) === i)
  return `${parts.join('')}${address.detail}`
}

/** '张三 020-81167888 · 广东省广州市…', or what to say when the order has none. */
export function addressLine(address: ShippingAddress | null): string {
  return address ? `${address.name} ${address.phone} · ${addressText(address)}` : '无收货地址'
}
