import { createHmac, timingSafeEqual } from 'node:crypto'

export type SignedOperation = 'GET' | 'PUT'

/** Outcome of checking a signed request against the local clock. */
export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'forged' | 'expired' }

/**
 * HMAC-SHA256 signatures for temporary download URLs and upload authorizations: each binds the
 * operation, the object and an expiry (epoch seconds), so a URL cannot be stretched in time or
 * moved to another file.
 */
export class UrlSigner {
  constructor(private readonly key: Buffer) {}

  sign(operation: SignedOperation, objectKey: string, expiresAtSec: number): string {
    return createHmac('sha256', this.key).update(`${operation}\n${objectKey}\n${expiresAtSec}`).digest('hex')
  }

  /** Checks `sign` and `t` (expiry, epoch seconds) for the operation on `objectKey` at local time `nowMs`. */
  check(operation: SignedOperation, objectKey: string, t: string | null | undefined, sign: string | null | undefined, nowMs: number): SignatureCheck {
    if (!t || !sign) return { ok: false, reason: 'missing' }
    if (!/^\d{1,12}$/.test(t) || !/^[0-9a-f]{64}$/.test(sign)) return { ok: false, reason: 'forged' }
    const expected = Buffer.from(this.sign(operation, objectKey, Number(t)), 'hex')
    if (!timingSafeEqual(expected, Buffer.from(sign, 'hex'))) return { ok: false, reason: 'forged' }
    if (nowMs > Number(t) * 1000) return { ok: false, reason: 'expired' }
    return { ok: true }
  }
}
