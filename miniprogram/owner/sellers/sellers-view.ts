/** Pure parts of the owner's sellers page: rows with the status in Chinese, the share policy and what it means for credit. */
import type { SellerListItem, SellerStatus, SharePolicy } from '../../../typings/referral'
import { formatDay } from '../../utils/dates'

export const SELLER_STATUS_TEXT: Readonly<Record<SellerStatus, string>> = {
  pending: '待审核',
  active: '已通过',
}

export interface SellerRow {
  sellerId: string
  name: string
  status: SellerStatus
  statusText: string
  shortCode: string
  /** e.g. '2026年11月27日 申请' or '2026年11月27日 通过'. */
  dateText: string
  /** What the seller brought: '客户 12 位 · 成交 5 单 · ¥1234.00' ('' for an applicant). */
  figuresText: string
}

export interface PolicyOption {
  value: SharePolicy
  label: string
  selected: boolean
}

export const SHARE_POLICY_LABEL: Readonly<Record<SharePolicy, string>> = {
  sellersOnly: '仅销售员',
  everyone: '所有人都可分享',
}

/** What each policy means for who is credited, in plain words. */
export const SHARE_POLICY_EXPLANATION: Readonly<Record<SharePolicy, string>> = {
  sellersOnly: '只有通过审核的销售员能为自己带来客户。顾客转发销售员的卡片，新顾客仍记在这位销售员名下，转发的人不得佣金。',
  everyone: '任何人分享卡片都能为自己带来客户：第一次有人通过 TA 的分享进店，TA 就自动成为销售员，无需审核，之后这些顾客下单记 TA 的佣金。',
}

/** True under both policies: credit goes one level only. */
export const ONE_LEVEL_NOTE = '佣金只算一级：每位顾客只记在一位销售员名下，不会因为层层转发而多级分佣。'

export interface SellersView {
  status: 'loading' | 'ready' | 'error'
  errorMessage: string
  canRetry: boolean
  applicants: SellerRow[]
  sellers: SellerRow[]
  sharePolicy: SharePolicy
  policyOptions: PolicyOption[]
  policyExplanation: string
  oneLevelNote: string
  busy: boolean
}

export const LOADING_SELLERS: SellersView = {
  status: 'loading',
  errorMessage: '',
  canRetry: true,
  applicants: [],
  sellers: [],
  sharePolicy: 'sellersOnly',
  policyOptions: [],
  policyExplanation: '',
  oneLevelNote: ONE_LEVEL_NOTE,
  busy: false,
}

/** A seller's customers, in plain words. */
export function sellerFiguresText(seller: Pick<SellerListItem, 'customers'>): string {
  return `客户 ${seller.customers} 位`
}

export function toSellerRow(seller: SellerListItem): SellerRow {
  const approved = seller.status === 'active'
  const at = approved ? (seller.approvedAt ?? seller.createdAt) : seller.createdAt
  return {
    sellerId: seller.sellerId,
    name: seller.name,
    status: seller.status,
    statusText: SELLER_STATUS_TEXT[seller.status],
    shortCode: seller.shortCode,
    dateText: `${formatDay(at)} ${approved ? '通过' : '申请'}`,
    figuresText: approved ? sellerFiguresText(seller) : '',
  }
}

export function toPolicyView(sharePolicy: SharePolicy): Pick<SellersView, 'sharePolicy' | 'policyOptions' | 'policyExplanation'> {
  return {
    sharePolicy,
    policyOptions: (['sellersOnly', 'everyone'] as const).map((value) => ({ value, label: SHARE_POLICY_LABEL[value], selected: value === sharePolicy })),
    policyExplanation: SHARE_POLICY_EXPLANATION[sharePolicy],
  }
}

/** Applicants (pending) apart from sellers (active), each newest first as the list answers them. */
export function toSellersView(sellers: SellerListItem[], sharePolicy: SharePolicy): SellersView {
  const rows = sellers.map(toSellerRow)
  return {
    ...LOADING_SELLERS,
    status: 'ready',
    applicants: rows.filter((r) => r.status === 'pending'),
    sellers: rows.filter((r) => r.status === 'active'),
    ...toPolicyView(sharePolicy),
  }
}

/** The confirm modal before approving. */
export function approveConfirmText(name: string): { title: string; content: string } {
  return { title: '通过申请', content: `通过「${name}」的销售员申请？通过后 TA 分享的卡片带来的顾客和订单记在 TA 名下。` }
}

/** The confirm modal before changing the share policy. */
export function policyConfirmText(next: SharePolicy): { title: string; content: string } {
  return { title: `改为「${SHARE_POLICY_LABEL[next]}」`, content: `${SHARE_POLICY_EXPLANATION[next]}只影响之后的分享，已绑定的顾客不变。` }
}
