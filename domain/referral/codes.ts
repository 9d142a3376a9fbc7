/**
 * Short share codes and mini program code scenes. A scene holds at most 32 visible characters
 * from `[0-9A-Za-z!#$&'()*+,/:;=?@-._~]`, so a sharer is named by a short code that maps to
 * them through the `shareCodes` table, never by their 28-character openid.
 */

const CODE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
/** 62^8 ≈ 2.2e14 codes: collisions are checked on insert and retried, but rare. */
export const SHORT_CODE_LENGTH = 8
export const SCENE_MAX_LENGTH = 32
/** Separates the sharer's code from the product id in a scene. */
const SCENE_SEPARATOR = '~'

const SHORT_CODE = /^[0-9A-Za-z]{4,16}$/
const SCENE_CHARS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]*$/
/** Product ids a poster scene may carry: scene characters other than the separator. */
const SCENE_PRODUCT_ID = /^[0-9A-Za-z_-]{1,23}$/

/** A fresh short code from `random()` values in [0, 1) (the caller supplies a secure source). */
export function generateShortCode(random: () => number, length = SHORT_CODE_LENGTH): string {
  let code = ''
  for (let i = 0; i < length; i++) code += CODE_ALPHABET[Math.floor(random() * CODE_ALPHABET.length) % CODE_ALPHABET.length]
  return code
}

/** Whether `code` is a well-formed short code (letters and digits, 4-16 characters). */
export function isShortCode(code: string): boolean {
  return SHORT_CODE.test(code)
}

/** Whether `scene` is a value `wxacode.getUnlimited` accepts. */
export function isValidScene(scene: string): boolean {
  return scene.length >= 1 && scene.length <= SCENE_MAX_LENGTH && SCENE_CHARS.test(scene)
}

/** Whether a product id fits in a poster scene beside a short code. */
export function fitsInScene(productId: string): boolean {
  return SCENE_PRODUCT_ID.test(productId)
}

/** The scene of a poster code: the sharer's code, then the product id if there is one. */
export function encodeScene(code: string, productId?: string): string {
  if (!isShortCode(code)) throw new RangeError(`not a short code: ${code}`)
  if (productId !== undefined && !fitsInScene(productId)) throw new RangeError(`product id does not fit in a scene: ${productId}`)
  const scene = productId === undefined ? code : `${code}${SCENE_SEPARATOR}${productId}`
  if (!isValidScene(scene)) throw new RangeError(`scene too long: ${scene}`)
  return scene
}

/** Reads a (decoded) scene back into its code and product id; undefined when malformed. */
export function decodeScene(scene: string): { code: string; productId?: string } | undefined {
  if (!isValidScene(scene)) return undefined
  const [code, productId, ...rest] = scene.split(SCENE_SEPARATOR)
  if (rest.length > 0 || !isShortCode(code)) return undefined
  if (productId === undefined) return { code }
  return fitsInScene(productId) ? { code, productId } : undefined
}
