/**
 * The page around the phone: the identity switcher on the left, the phone frame (375 x 812 CSS px:
 * status bar, navigation bar, pages, tab bar) in the middle, the chat panel with shared cards on
 * the right. Opening a card relaunches the app as the chosen identity with the card's launch options.
 */
import type { PreviewManifest } from './manifest'
import { IDENTITIES, SHARE_LABELS, cards, clearCards, identity, launchFromCard, launchOptions, newShopper, relaunchApp, shareFromPage, type Identity, type ShareCard } from './session'
import { showSheet } from './overlays'
import { currentEntry } from './router'

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

function kindLabel(card: ShareCard): string {
  return card.kind === 'chat' ? '单聊 1007' : card.kind === 'moments' ? '朋友圈 1154' : card.withShareTicket ? '群聊 1044' : '群聊 1008'
}

function identityPanel(): HTMLElement {
  const panel = el('aside', 'pv-panel pv-identities')
  panel.appendChild(el('h2', 'pv-panel-title', '我是谁'))
  const current = identity()
  const all: Identity[] = IDENTITIES.some((i) => i.key === current.key) ? IDENTITIES : [current, ...IDENTITIES]
  for (const who of all) {
    const button = el('button', `pv-identity${who.key === current.key ? ' pv-identity-current' : ''}`)
    button.dataset.identity = who.key
    button.appendChild(el('span', 'pv-identity-label', who.label))
    button.appendChild(el('span', 'pv-identity-openid', who.openid ?? '无 openid'))
    button.onclick = () => relaunchApp(who, { path: '', query: {}, scene: 1001 })
    panel.appendChild(button)
  }
  const fresh = el('button', 'pv-identity pv-identity-new', '+ 新顾客（新 openid）')
  fresh.dataset.identity = 'new'
  fresh.onclick = () => relaunchApp(newShopper(), { path: '', query: {}, scene: 1001 })
  panel.appendChild(fresh)
  const launch = launchOptions()
  const info = el('div', 'pv-launch')
  info.dataset.scene = String(launch.scene)
  info.textContent = `启动场景 ${launch.scene}${launch.shareTicket ? ' · shareTicket' : ''}${launch.path ? ` · /${launch.path}` : ''}`
  panel.appendChild(info)
  return panel
}

function cardNode(card: ShareCard): HTMLElement {
  const node = el('div', 'pv-card')
  node.dataset.card = card.id
  node.dataset.kind = card.kind
  const head = el('div', 'pv-card-head')
  head.appendChild(el('span', 'pv-card-from', card.from.label))
  head.appendChild(el('span', `pv-card-kind pv-kind-${card.kind}`, kindLabel(card)))
  node.appendChild(head)
  const body = el('div', 'pv-card-body')
  if (card.imageUrl) {
    const img = el('img', 'pv-card-image')
    img.src = card.imageUrl
    img.alt = ''
    body.appendChild(img)
  }
  body.appendChild(el('div', 'pv-card-title', card.title))
  node.appendChild(body)
  node.appendChild(el('div', 'pv-card-path', card.path))
  const open = el('div', 'pv-card-open')
  const select = el('select', 'pv-card-as')
  select.setAttribute('aria-label', '以谁的身份打开')
  const options: Identity[] = [...IDENTITIES.filter((i) => (card.kind === 'moments' ? true : i.openid !== null))]
  const fresh = newShopper()
  options.unshift(fresh)
  for (const who of options) {
    const option = el('option', '', who.label)
    option.value = who.key
    select.appendChild(option)
  }
  if (card.kind === 'moments') select.value = 'nologin'
  const button = el('button', 'pv-card-open-button', '打开')
  button.onclick = () => {
    const who = options.find((o) => o.key === select.value) ?? fresh
    relaunchApp(who, launchFromCard(card))
  }
  open.append(select, button)
  node.appendChild(open)
  return node
}

function chatPanel(): HTMLElement {
  const panel = el('aside', 'pv-panel pv-chat')
  const header = el('div', 'pv-chat-header')
  header.appendChild(el('h2', 'pv-panel-title', '聊天'))
  const clear = el('button', 'pv-chat-clear', '清空')
  clear.onclick = () => clearCards()
  header.appendChild(clear)
  panel.appendChild(header)
  panel.appendChild(el('p', 'pv-chat-hint', '分享的卡片出现在这里：选择身份后打开，小程序会以卡片的启动参数重新启动。'))
  const list = el('div', 'pv-chat-list')
  const draw = () => {
    list.innerHTML = ''
    const all = cards()
    if (all.length === 0) list.appendChild(el('div', 'pv-chat-empty', '还没有分享'))
    for (const card of all) list.appendChild(cardNode(card))
  }
  draw()
  window.addEventListener('preview:cards', draw)
  window.addEventListener('storage', (e) => {
    if (e.key === 'preview.chat') draw()
  })
  panel.appendChild(list)
  return panel
}

/** The capsule's "···": the page's share menu (chat, group, Moments as the page allows). */
async function openMenu(): Promise<void> {
  const entry = currentEntry()
  const instance = entry?.root.instance
  // a page shares to chats when it has onShareAppMessage, to Moments when it also has onShareTimeline; hideShareMenu removes either
  const menus = entry?.shareMenu?.menus ?? ['shareAppMessage', 'shareTimeline']
  const items: Array<{ label: string; kind: ShareCard['kind'] }> = []
  const sharesToChats = !!instance && typeof instance.onShareAppMessage === 'function' && menus.includes('shareAppMessage')
  if (sharesToChats) {
    items.push({ label: SHARE_LABELS.chat, kind: 'chat' })
    items.push({ label: SHARE_LABELS.group(!!entry?.shareMenu?.withShareTicket), kind: 'group' })
  }
  if (sharesToChats && typeof instance?.onShareTimeline === 'function' && menus.includes('shareTimeline')) items.push({ label: SHARE_LABELS.moments, kind: 'moments' })
  if (items.length === 0) {
    await showSheet(['当前页面未设置分享'], { title: '菜单' })
    return
  }
  const index = await showSheet(
    items.map((i) => i.label),
    { title: '分享' },
  )
  if (index >= 0) await shareFromPage({ from: 'menu', kind: items[index].kind })
}

export interface Screen {
  screen: HTMLElement
  pages: HTMLElement
  nav: HTMLElement
  tabs: HTMLElement
}

export function drawShell(manifest: PreviewManifest): Screen {
  document.title = `小程序预览 · ${identity().label}`
  const root = el('div', 'pv-root')
  const phone = el('div', 'pv-phone')
  const screen = el('div', 'pv-screen')
  const status = el('div', 'pv-status')
  status.appendChild(el('span', 'pv-status-time', '9:41'))
  status.appendChild(el('span', 'pv-status-who', identity().label))
  const nav = el('div', 'pv-nav')
  const pages = el('div', 'pv-pages')
  const tabs = el('div', 'pv-tabbar')
  tabs.hidden = !manifest.app.tabBar
  screen.append(status, nav, pages, tabs)
  phone.appendChild(screen)
  root.append(identityPanel(), phone, chatPanel())
  document.body.appendChild(root)
  window.addEventListener('preview:menu', () => void openMenu())
  return { screen, pages, nav, tabs }
}
