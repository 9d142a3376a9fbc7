/**
 * Who is holding the phone, and how the app was launched. Each identity is its own phone: its own
 * storage namespace and its own openid on the transport. Switching identity or opening a share
 * card relaunches the app (a page reload carrying the launch options in sessionStorage), so
 * App.onLaunch / onShow get the options exactly as WeChat hands them over and
 * miniprogram/app.ts's capture records the open as on a phone.
 */
import * as overlays from './overlays'
import * as router from './router'

export interface Identity {
  key: string
  label: string
  /** null: no WeChat identity (Moments single-page mode). */
  openid: string | null
}

export interface LaunchOptions {
  path: string
  query: Record<string, string>
  scene: number
  shareTicket?: string
  /** The preview's group behind a shareTicket (what getGroupEnterInfo's cloudID resolves to). */
  groupId?: string
  referrerInfo?: Record<string, unknown>
}

export interface ShareCard {
  id: string
  from: Identity
  kind: 'chat' | 'group' | 'moments'
  /** The sharing page asked for a shareTicket (wx.showShareMenu/updateShareMenu withShareTicket): a group open is scene 1044 with it, else 1008. */
  withShareTicket: boolean
  title: string
  path: string
  imageUrl?: string
  sentAt: number
}

export const IDENTITIES: Identity[] = [
  { key: 'shopper', label: '顾客 小田', openid: 'o-demo-customer-tian' },
  { key: 'shopper-mei', label: '顾客 美美（林姐的客户）', openid: 'o-demo-customer-mei' },
  { key: 'seller-lin', label: '卖家 林姐', openid: 'o-demo-seller-lin' },
  { key: 'seller-zhou', label: '卖家 小周', openid: 'o-demo-seller-zhou' },
  { key: 'owner', label: '店主', openid: 'o-demo-owner' },
  { key: 'nologin', label: '未登录（朋友圈单页）', openid: null },
]

/** A scene WeChat uses for each delivery of a share card. */
export const SCENES = { chat: 1007, group: 1008, groupWithTicket: 1044, moments: 1154 } as const

/** How each delivery reads in the share sheets. */
export const SHARE_LABELS = {
  chat: '发送给朋友（单聊 1007）',
  group: (withShareTicket: boolean) => (withShareTicket ? '发送到群聊（1044，带 shareTicket）' : '发送到群聊（1008）'),
  moments: '分享到朋友圈（1154）',
}

export const DEMO_GROUP_ID = 'G-preview-tea-friends'

const SESSION_KEY = 'preview.session'
const CARDS_KEY = 'preview.chat'

interface Session {
  identity: Identity
  launch: LaunchOptions
}

let session: Session

function defaultLaunch(entryPage: string): LaunchOptions {
  return { path: entryPage, query: {}, scene: 1001 }
}

/** Reads the session the previous page load asked for (or the default: the first shopper, scene 1001). */
export function loadSession(entryPage: string): Session {
  const stored = sessionStorage.getItem(SESSION_KEY) ?? localStorage.getItem(SESSION_KEY)
  let parsed: Partial<Session> | null = null
  try {
    parsed = stored ? (JSON.parse(stored) as Partial<Session>) : null
  } catch {
    parsed = null
  }
  // `/?as=<identity key>&path=<route>&<query>`: a link straight to a page as someone (demos, journeys)
  const params = new URLSearchParams(location.search)
  const urlIdentity = params.get('as')
  const identity = IDENTITIES.find((i) => i.key === urlIdentity) ?? parsed?.identity ?? IDENTITIES[0]
  let launch = parsed?.launch ?? defaultLaunch(entryPage)
  if (params.get('path')) {
    const query: Record<string, string> = {}
    params.forEach((v, k) => {
      if (k !== 'as' && k !== 'path') query[k] = v
    })
    launch = { path: String(params.get('path')).replace(/^\//, ''), query, scene: 1001 }
  }
  session = { identity, launch }
  // a plain reload starts the app again from its entry page, as a cold start from the task list
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ identity, launch: defaultLaunch(entryPage) }))
  localStorage.setItem(SESSION_KEY, JSON.stringify({ identity }))
  return session
}

export function identity(): Identity {
  return session.identity
}

export function launchOptions(): LaunchOptions {
  return session.launch
}

/** Each identity's storage lives under its own prefix. */
export function storagePrefix(): string {
  return `wx:${session.identity.openid ?? 'nologin'}:`
}

/** Relaunches the app as `who` with `launch` (a reload: a fresh JavaScript context, as a fresh start of the app). */
export function relaunchApp(who: Identity, launch: LaunchOptions): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ identity: who, launch }))
  localStorage.setItem(SESSION_KEY, JSON.stringify({ identity: who }))
  location.replace(`${location.origin}/`)
}

/** A fresh shopper nobody has seen: a new openid each time. */
export function newShopper(): Identity {
  const suffix = Math.random().toString(36).slice(2, 8)
  return { key: `new-${suffix}`, label: `新顾客 ${suffix}`, openid: `o-preview-${suffix}` }
}

// ---- the chat panel's cards ------------------------------------------------------------------------

export function cards(): ShareCard[] {
  try {
    return JSON.parse(localStorage.getItem(CARDS_KEY) ?? '[]') as ShareCard[]
  } catch {
    return []
  }
}

function saveCard(card: ShareCard): void {
  localStorage.setItem(CARDS_KEY, JSON.stringify([card, ...cards()].slice(0, 30)))
  window.dispatchEvent(new CustomEvent('preview:cards'))
}

export function clearCards(): void {
  localStorage.removeItem(CARDS_KEY)
  window.dispatchEvent(new CustomEvent('preview:cards'))
}

/** The launch options a card gives whoever opens it, by how it was delivered. */
export function launchFromCard(card: ShareCard): LaunchOptions {
  const { route, query } = router.parseUrl(card.path.startsWith('/') ? card.path : `/${card.path}`)
  if (card.kind === 'group' && card.withShareTicket) return { path: route, query, scene: SCENES.groupWithTicket, shareTicket: `preview-ticket-${card.id}`, groupId: DEMO_GROUP_ID }
  if (card.kind === 'group') return { path: route, query, scene: SCENES.group }
  return { path: route, query, scene: card.kind === 'moments' ? SCENES.moments : SCENES.chat }
}

/**
 * A share from the current page: `button open-type="share"` or the capsule menu. Calls the page's
 * onShareAppMessage (chat or group) or onShareTimeline (Moments); the card goes to the chat panel.
 * Answers the card, or null when the user cancelled or the page does not share.
 */
export async function shareFromPage(options: { from: 'button' | 'menu'; target?: Record<string, unknown>; kind?: ShareCard['kind'] }): Promise<ShareCard | null> {
  const entry = router.currentEntry()
  if (!entry) return null
  const instance = entry.root.instance
  const withShareTicket = !!entry.shareMenu?.withShareTicket
  let kind = options.kind
  if (!kind) {
    const choices: Array<ShareCard['kind']> = ['chat', 'group']
    if (options.from === 'menu' && typeof instance.onShareTimeline === 'function') choices.push('moments')
    const labels = { chat: SHARE_LABELS.chat, group: SHARE_LABELS.group(withShareTicket), moments: SHARE_LABELS.moments }
    const index = await overlays.showSheet(
      choices.map((c) => labels[c as keyof typeof labels]),
      { title: '分享到' },
    )
    if (index < 0) return null
    kind = choices[index]
  }
  const currentPath = `/${entry.page.route}${Object.keys(entry.query).length ? `?${new URLSearchParams(entry.query).toString()}` : ''}`
  let title = entry.title
  let path = currentPath
  let imageUrl: string | undefined
  if (kind === 'moments') {
    if (typeof instance.onShareTimeline !== 'function') return null
    const content = ((await (instance.onShareTimeline as () => unknown).call(instance)) ?? {}) as { title?: string; query?: string; imageUrl?: string }
    title = content.title ?? title
    path = `/${entry.page.route}${content.query ? `?${content.query}` : ''}`
    imageUrl = content.imageUrl
  } else {
    if (typeof instance.onShareAppMessage !== 'function') return null
    const arg = { from: options.from, target: options.target, webViewUrl: '' }
    let content = ((instance.onShareAppMessage as (a: unknown) => unknown).call(instance, arg) ?? {}) as { title?: string; path?: string; imageUrl?: string; promise?: Promise<{ title?: string; path?: string; imageUrl?: string }> }
    if (content.promise) {
      // WeChat waits up to 3 s for the promise, then uses the defaults given beside it
      const settled = await Promise.race([content.promise.catch(() => null), new Promise<null>((r) => setTimeout(() => r(null), 3000))])
      if (settled) content = { ...content, ...settled }
    }
    title = content.title ?? title
    path = content.path ?? currentPath
    imageUrl = content.imageUrl
  }
  const card: ShareCard = { id: Math.random().toString(36).slice(2, 10), from: session.identity, kind, withShareTicket, title, path, imageUrl, sentAt: Date.now() }
  saveCard(card)
  overlays.showToast('已发送', 'success', 1200, false)
  return card
}
