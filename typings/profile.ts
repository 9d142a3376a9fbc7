/** The `profile` function's actions: what a shopper tells the store about themselves. Type-only. */

/** What the store knows of the caller, as sellers see it (nickname, avatar) plus the caller's own phone. */
export interface MyProfile {
  nickname?: string
  /** Cloud fileID (cloud://...) of the avatar the shopper chose with the avatar chooser and uploaded. */
  avatarUrl?: string
  /** Mainland mobile number, 11 digits; only the shopper and the owner see it. */
  phone?: string
  /** The caller is an owner (OWNER_OPENIDS). */
  isOwner: boolean
  /** The caller's seller record, if they applied. */
  seller?: { sellerId: string; status: 'active' | 'pending'; name: string }
}

export interface ProfileApi {
  /** The caller's own profile; a first call returns an empty profile (nothing is written). */
  get: {
    request: Record<string, never>
    response: { profile: MyProfile }
  }
  /**
   * Sets any of nickname (the `type="nickname"` input, 1-32 characters after trimming), avatar
   * (a cloud fileID from `wx.cloud.uploadFile` of the avatar chooser's file) and phone; `null`
   * clears the phone. Fields left out are unchanged.
   */
  update: {
    request: { nickname?: string; avatarUrl?: string; phone?: string | null }
    response: { profile: MyProfile }
  }
}
