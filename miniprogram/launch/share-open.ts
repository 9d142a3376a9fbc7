/**
 * Pure reading of launch/show options: who shared what, through which entry. No wx calls here.
 *
 * - share cards: 1007 single chat, 1008 group chat, 1044 a card with a shareTicket; the sharer's
 *   code is the path's `?ref=` (and a product path's `?id=`);
 * - mini program codes: 1047 scanned, 1048 long-pressed, 1049 from the album; the code's `scene`
 *   arrives URI-encoded in `query.scene` (`<code>` or `<code>~<productId>`);
 * - 1154 Moments single-page mode: opened without a WeChat identity.
 */

/** A launch that names a sharer, ready to become a `referral.recordOpen` request. */
export interface ShareOpen {
  sceneValue: number
  /** The sharer's code from a share path (`?ref=`); exactly one of ref and scene is set. */
  ref?: string
  /** A mini program code's decoded scene. */
  scene?: string
  productId?: string
  /** A group card's ticket, for `wx.getGroupEnterInfo`. */
  shareTicket?: string
  /** Moments single-page mode: no identity, nothing that needs one should be attempted. */
  identityless: boolean
}

export const CODE_SCENES: readonly number[] = [1047, 1048, 1049]
export const GROUP_SCENES: readonly number[] = [1008, 1044]
export const MOMENTS_SCENE = 1154

const SHORT_CODE = /^[0-9A-Za-z]{4,16}$/
const PRODUCT_ID = /^[0-9A-Za-z_-]{1,23}$/
const MAX_SCENE_LENGTH = 32

export interface LaunchOptionsLike {
  scene?: number
  query?: Record<string, string | undefined>
  shareTicket?: string
}

/** The share a launch carries, or null when it names no (well-formed) sharer. */
export function parseShareOpen(options: LaunchOptionsLike): ShareOpen | null {
  const sceneValue = options.scene
  if (typeof sceneValue !== 'number' || !Number.isInteger(sceneValue)) return null
  const query = options.query ?? {}
  const identityless = sceneValue === MOMENTS_SCENE
  const shareTicket = GROUP_SCENES.includes(sceneValue) && options.shareTicket ? options.shareTicket : undefined

  if (typeof query.ref === 'string' && SHORT_CODE.test(query.ref)) {
    const open: ShareOpen = { sceneValue, ref: query.ref, identityless }
    if (typeof query.id === 'string' && PRODUCT_ID.test(query.id)) open.productId = query.id
    if (shareTicket) open.shareTicket = shareTicket
    return open
  }
  if (typeof query.scene === 'string' && query.scene !== '') {
    const scene = decodeScene(query.scene)
    if (scene === null) return null
    return { sceneValue, scene, identityless }
  }
  return null
}

/** A mini program code's scene as WeChat hands it over (URI-encoded), decoded; null when malformed or too long. */
export function decodeScene(raw: string): string | null {
  let scene: string
  try {
    scene = decodeURIComponent(raw)
  } catch {
    return null
  }
  return scene.length >= 1 && scene.length <= MAX_SCENE_LENGTH ? scene : null
}

/** What makes two launch/show options the same entry (onLaunch and onShow both see a cold start). */
export function shareOpenSignature(open: ShareOpen): string {
  return [open.sceneValue, open.ref ?? '', open.scene ?? '', open.productId ?? '', open.shareTicket ?? ''].join('|')
}
