/** Pure mappers from the caller's profile to what the Me page shows. */
import type { MyProfile } from '../../../typings/profile'
import type { MyBinding } from '../../../typings/referral'
import { errorMessage } from '../../utils/errors'

export type SellerState = 'none' | 'pending' | 'active'

export interface MeView {
  status: 'loading' | 'ready' | 'error'
  errorMessage: string
  nickname: string
  /** What the nickname input holds (saved on confirm or with the save button). */
  nicknameDraft: string
  /** A displayable avatar URL ('' shows the placeholder). */
  avatarSrc: string
  phone: string
  phoneDraft: string
  sellerState: SellerState
  sellerName: string
  sellerStateText: string
  /** The shop name the apply form proposes. */
  applyName: string
  isOwner: boolean
  /** Whose customer I am, in a sentence ('' when unbound). */
  bindingText: string
  saving: boolean
}

export const LOADING_ME: MeView = {
  status: 'loading',
  errorMessage: '',
  nickname: '',
  nicknameDraft: '',
  avatarSrc: '',
  phone: '',
  phoneDraft: '',
  sellerState: 'none',
  sellerName: '',
  sellerStateText: '',
  applyName: '',
  isOwner: false,
  bindingText: '',
  saving: false,
}

const SELLER_STATE_TEXT: Record<SellerState, string> = {
  none: '',
  pending: '推广员申请审核中，店主通过后即可分享赚佣金',
  active: '你已是本店推广员',
}

export function toMeView(profile: MyProfile, avatarSrc: string, binding: MyBinding | null): MeView {
  const sellerState: SellerState = profile.seller?.status ?? 'none'
  const nickname = profile.nickname ?? ''
  return {
    ...LOADING_ME,
    status: 'ready',
    nickname,
    nicknameDraft: nickname,
    avatarSrc,
    phone: profile.phone ?? '',
    phoneDraft: profile.phone ?? '',
    sellerState,
    sellerName: profile.seller?.name ?? '',
    sellerStateText: SELLER_STATE_TEXT[sellerState],
    applyName: nickname ? `${nickname}的小店` : '',
    isOwner: profile.isOwner,
    bindingText: binding ? `你的专属推荐人：${binding.sellerName}` : '',
  }
}

export function toMeErrorView(err: unknown): Partial<MeView> {
  return { status: 'error', errorMessage: errorMessage(err) }
}

/** A nickname as the profile function accepts it (1-32 characters after trimming), or null. */
export function cleanNickname(input: string): string | null {
  const trimmed = input.trim()
  return trimmed.length >= 1 && [...trimmed].length <= 32 ? trimmed : null
}

/** A mainland mobile number (11 digits starting with 1), '' to clear, or null when malformed. */
export function cleanPhone(input: string): string | null {
  const digits = input.replace(/\s+/g, '')
  if (digits === '') return ''
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null
}

/** Where an uploaded avatar goes: one file per upload, named by the caller's random key and the chooser file's extension. */
export function avatarCloudPath(tempFilePath: string, key: string): string {
  const ext = /\.(png|jpe?g|webp|gif)$/i.exec(tempFilePath)?.[1]?.toLowerCase() ?? 'jpg'
  return `avatars/${key}.${ext}`
}
