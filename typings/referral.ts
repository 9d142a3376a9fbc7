/**
 * The `referral` function's actions: share opens and binding, share cards and poster codes,
 * sellers and the store's referral settings. Type-only.
 */

export type BindingMode = 'permanentFirstTouch' | 'firstTouchWindow' | 'lastTouch'
export type SharePolicy = 'sellersOnly' | 'everyone'
export type ShareChannel = 'chat' | 'group' | 'moments' | 'code' | 'other'
export type SellerStatus = 'active' | 'pending'

/** Why an open bound nobody (see domain/referral/binding.ts). */
export type NoBindingReason = 'anonymous' | 'noCreditableSeller' | 'selfReferral' | 'loop' | 'alreadyBound' | 'keptExisting' | 'unknownCode'

export interface ReferralSettings {
  mode: BindingMode
  /** Days a first-touch binding is protected (`firstTouchWindow`), 1-365; default 30. */
  windowDays: number
  sharePolicy: SharePolicy
}

export interface SellerView {
  sellerId: string
  openid: string
  name: string
  status: SellerStatus
  shortCode: string
  /** ISO time. */
  createdAt: string
  approvedAt?: string
}

/** A seller in the owner's list, with the customers they brought (their orders and revenue: `funnel` with their sellerId). */
export interface SellerListItem extends SellerView {
  /** Customers bound to them now. */
  customers: number
}

export interface MyBinding {
  sellerId: string
  sellerName: string
  /** ISO time the binding was made. */
  boundAt: string
  source: { code: string; scene: number; groupId?: string }
}

export interface ReferralApi {
  /**
   * Records that the caller opened someone's share and binds them by the store's rule. Give the
   * sharer's code as `ref` (from a share path `?ref=`) or as `scene` (a mini program code's
   * decoded `scene`), the launch `sceneValue`, and an `openKey` the client makes once per launch
   * so a retry records nothing twice. Without an openid (Moments single-page mode) the open is
   * recorded and nobody is bound.
   */
  recordOpen: {
    request: {
      openKey: string
      sceneValue: number
      ref?: string
      scene?: string
      productId?: string
      /**
       * A group card's cloudID (`wx.getGroupEnterInfo` with the launch shareTicket). The function
       * resolves it through the platform (`cloud.getOpenData`); one that does not resolve records
       * the open without a group.
       */
      groupCloudId?: string
    }
    /** `sellerId`: the seller the caller is bound to after this open; `reason`: why it bound nobody. */
    response: { openId: string; channel: ShareChannel; bound: boolean; sellerId?: string; reason?: NoBindingReason }
  }
  /** Share card data for `onShareAppMessage`: title, image and a path carrying the caller's code. */
  shareCard: {
    /** `channel`: where the card goes when the page knows it (`moments` from onShareTimeline); a chat card otherwise. */
    request: { productId?: string; channel?: 'chat' | 'group' | 'moments' }
    response: { title: string; imageUrl?: string; path: string; shortCode: string }
  }
  /**
   * A poster's mini program code for the caller (and a product): a PNG in cloud storage, made
   * once and reused. Production: `wxacode.getUnlimited`; locally a QR code of the same scene.
   */
  posterCode: {
    request: { productId?: string }
    response: { fileID: string; scene: string; page: string }
  }
  /** The seller the caller is bound to, if any, and the caller's own share code if they have one. */
  myBinding: {
    request: Record<string, never>
    response: { binding: MyBinding | null; shortCode?: string }
  }
  /** Asks to become a seller; active at once for owners and under "everyone may share", else pending. Idempotent. */
  'sellers.apply': {
    request: { name: string }
    response: { seller: SellerView }
  }
  /** Owner only: makes a pending seller active. */
  'sellers.approve': {
    request: { sellerId: string }
    response: { seller: SellerView }
  }
  /** Owner only: sellers, newest first, optionally by status (at most 100), with their customers. */
  'sellers.list': {
    request: { status?: SellerStatus }
    response: { sellers: SellerListItem[] }
  }
  /** Owner only: the binding rule and share policy. */
  'settings.get': {
    request: Record<string, never>
    response: { settings: ReferralSettings }
  }
  /** Owner only: changes any of the binding rule's fields; applies to opens from now on. */
  'settings.update': {
    request: Partial<ReferralSettings>
    response: { settings: ReferralSettings }
  }
  /**
   * A seller's shares funnel over a period of store days (default the last 30, at most 92):
   * shares made, opens by channel, new customers bound, paid orders and revenue attributed; in
   * total, per product and per group. A seller sees their own; an owner names any seller.
   */
  funnel: {
    request: { sellerId?: string; from?: string; to?: string }
    response: { funnel: SharesFunnel }
  }
}

/** How a share was made: a chat card (destination unknown when it is made), a group card, Moments, or a poster code. */
export type ShareEventChannel = 'card' | 'chat' | 'group' | 'moments' | 'code'

/** One step of the funnel: shares made, their opens, customers bound by them, paid orders and revenue attributed. */
export interface FunnelCounts {
  shares: number
  opens: number
  /** New customers bound by an open in the period. */
  bound: number
  /** Paid in the period, credited to the seller (refunded orders left out). */
  paidOrders: number
  /** Totals of those orders (per product: that product's line amounts), fen. */
  revenueFen: number
}

/** One product's funnel, with the product's current name (null: the product no longer exists). */
export interface ProductFunnel extends FunnelCounts {
  productId: string
  name: string | null
}

/** The funnel as counted from the records, before the products' names are read. */
export type CountedFunnel = Omit<SharesFunnel, 'byProduct'> & { byProduct: Array<Omit<ProductFunnel, 'name'>> }

export interface SharesFunnel {
  sellerId: string
  /** Store days, inclusive. */
  from: string
  to: string
  total: FunnelCounts & { sharesByChannel: Record<ShareEventChannel, number>; opensByChannel: Record<ShareChannel, number> }
  /** Per product shared, opened or sold, by revenue then opens (the store-wide shares without a product are not in it). */
  byProduct: ProductFunnel[]
  /** Per group (openGId) opened in: opens, customers bound through the group, and their paid orders. Shares name no group. */
  byGroup: Array<Omit<FunnelCounts, 'shares'> & { groupId: string }>
  /** True when the period held more records than one answer reads (FUNNEL_CAP per source); the counts are then a lower bound. */
  truncated: boolean
}
