/** Scene values (how the mini program was opened) grouped into the channels the funnel reports. */

import type { ShareChannel } from '../../typings/referral'

export type { ShareChannel }

const CHANNEL_BY_SCENE: Record<number, ShareChannel> = {
  1007: 'chat', // single-chat card
  1008: 'group', // group-chat card
  1044: 'group', // card with a shareTicket (group)
  1047: 'code', // scanned mini program code
  1048: 'code', // long-pressed mini program code
  1049: 'code', // mini program code from the album
  1154: 'moments', // Moments single-page mode (no login)
}

/** The channel a scene value belongs to; unknown scenes are `other`. */
export function channelOfScene(scene: number): ShareChannel {
  return CHANNEL_BY_SCENE[scene] ?? 'other'
}

/** Scene values that open without a login (no openid reaches the function). */
export function isIdentitylessScene(scene: number): boolean {
  return scene === 1154
}
