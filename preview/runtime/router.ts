/**
 * The page stack as WeChat keeps it: navigateTo pushes (at most 10), redirectTo replaces,
 * navigateBack pops, switchTab keeps one live instance per tab page and drops the rest, reLaunch
 * starts over. Lifecycle: onLoad(query) -> onShow -> onReady; onHide when covered, onUnload when
 * popped; onPullDownRefresh and onReachBottom from the page's scroll. Draws the navigation bar
 * (title from the page JSON, else app.json window; back button) and the app.json tabBar.
 */
import jComponent from 'j-component'
import type { PreviewManifest, PreviewPage } from './manifest'
import { pageComponentId } from './registry'
import { bindTaps } from './taps'
import { resolveUrl } from './url'

type Hook = (...args: unknown[]) => unknown

export interface PageInstance {
  route: string
  options: Record<string, string>
  data: Record<string, unknown>
  setData(data: Record<string, unknown>, cb?: () => void): void
  [hook: string]: unknown
}

export interface StackEntry {
  page: PreviewPage
  query: Record<string, string>
  frame: HTMLElement
  root: { instance: PageInstance; detach(): void; attach(parent: Element): void; dom: Element }
  title: string
  navigationBar: { backgroundColor: string; textStyle: string }
  /** What wx.showShareMenu/hideShareMenu/updateShareMenu set for this page; null: the default (by its share handlers, no shareTicket). */
  shareMenu: { withShareTicket: boolean; menus: string[] } | null
}

const MAX_STACK = 10

let manifest: PreviewManifest
let pagesEl: HTMLElement
let navEl: HTMLElement
let tabEl: HTMLElement
let stack: StackEntry[] = []
const tabInstances = new Map<string, StackEntry>()

export class NavigationError extends Error {}

interface TabBar {
  color?: string
  selectedColor?: string
  backgroundColor?: string
  borderStyle?: string
  list: Array<{ pagePath: string; text: string; iconPath?: string; selectedIconPath?: string }>
}

function tabBar(): TabBar | undefined {
  return manifest.app.tabBar as TabBar | undefined
}

export function isTabPage(route: string): boolean {
  return !!tabBar()?.list.some((t) => t.pagePath === route)
}

export function initRouter(m: PreviewManifest, screen: { pages: HTMLElement; nav: HTMLElement; tabs: HTMLElement }): void {
  manifest = m
  pagesEl = screen.pages
  navEl = screen.nav
  tabEl = screen.tabs
}

/** `/pages/x/index?a=1` (or relative to the current page) -> route and query. */
export function parseUrl(url: string): { route: string; query: Record<string, string> } {
  return resolveUrl(url, stack[stack.length - 1]?.page.route ?? '')
}

function pageOf(route: string): PreviewPage {
  const page = manifest.pages.find((p) => p.route === route)
  if (!page) throw new NavigationError(`page "${route}" is not found`)
  return page
}

function windowOf(page: PreviewPage): Record<string, unknown> {
  return { ...((manifest.app.window as Record<string, unknown> | undefined) ?? {}), ...page.json }
}

function call(entry: StackEntry, hook: string, ...args: unknown[]): unknown {
  const fn = entry.root.instance[hook]
  if (typeof fn !== 'function') return undefined
  try {
    const result = (fn as Hook).apply(entry.root.instance, args)
    if (result && typeof (result as Promise<unknown>).catch === 'function') (result as Promise<unknown>).catch((err) => console.error(`[preview] ${entry.page.route}.${hook}`, err))
    return result
  } catch (err) {
    console.error(`[preview] ${entry.page.route}.${hook}`, err)
    return undefined
  }
}

function create(route: string, query: Record<string, string>): StackEntry {
  const page = pageOf(route)
  const id = pageComponentId(route)
  const win = windowOf(page)
  const frame = document.createElement('div')
  frame.className = `wx-page ${page.classPrefix}`
  frame.dataset.route = route
  if (win.backgroundColor) frame.style.backgroundColor = String(win.backgroundColor)
  const root = jComponent.create(id) as unknown as StackEntry['root']
  const entry: StackEntry = {
    page,
    query,
    frame,
    root,
    title: String(win.navigationBarTitleText ?? ''),
    navigationBar: { backgroundColor: String(win.navigationBarBackgroundColor ?? '#ffffff'), textStyle: String(win.navigationBarTextStyle ?? 'black') },
    shareMenu: null,
  }
  root.instance.route = route
  root.instance.options = query
  pagesEl.appendChild(frame)
  root.attach(frame)
  bindTaps(frame)
  bindScroll(entry, win)
  return entry
}

function bindScroll(entry: StackEntry, win: Record<string, unknown>): void {
  const distance = Number(win.onReachBottomDistance ?? 50)
  // once per arrival at the bottom; content that grew since (the next page loaded) makes a new bottom
  let firedAtHeight = -1
  entry.frame.addEventListener('scroll', () => {
    const { scrollTop, scrollHeight, clientHeight } = entry.frame
    const near = scrollHeight - scrollTop - clientHeight <= distance
    if (near && scrollHeight !== firedAtHeight) {
      firedAtHeight = scrollHeight
      call(entry, 'onReachBottom')
    } else if (!near) firedAtHeight = -1
    call(entry, 'onPageScroll', { scrollTop })
  })
  // pulling down at the top of the page (a wheel or trackpad up) is WeChat's pull-down refresh
  let pulled = 0
  entry.frame.addEventListener('wheel', (e) => {
    if (entry.frame.scrollTop > 0 || e.deltaY >= 0) return void (pulled = 0)
    pulled -= e.deltaY
    if (pulled > 150 && !entry.frame.classList.contains('pv-refreshing')) {
      pulled = 0
      pullDownRefresh()
    }
  })
}

/** Runs onLoad(query), onShow, onReady for a new entry (onLoad awaited only for order, as WeChat does not await it either). */
function start(entry: StackEntry): void {
  call(entry, 'onLoad', { ...entry.query })
  call(entry, 'onShow')
  call(entry, 'onReady')
}

function hide(entry: StackEntry): void {
  entry.frame.hidden = true
  call(entry, 'onHide')
}

function show(entry: StackEntry): void {
  entry.frame.hidden = false
  call(entry, 'onShow')
}

function unload(entry: StackEntry): void {
  call(entry, 'onUnload')
  entry.root.detach()
  entry.frame.remove()
  if (tabInstances.get(entry.page.route) === entry) tabInstances.delete(entry.page.route)
}

function top(): StackEntry | undefined {
  return stack[stack.length - 1]
}

export function currentPages(): PageInstance[] {
  return stack.map((e) => e.root.instance)
}

export function currentEntry(): StackEntry | undefined {
  return top()
}

/**
 * The channel between a page and the page it opened (wx.navigateTo `events`, the opened page's
 * `getOpenerEventChannel()`): emit on one side calls the listeners of the other.
 */
export class EventChannel {
  private peer?: EventChannel
  private readonly listeners = new Map<string, Array<{ fn: (...a: unknown[]) => void; once: boolean }>>()

  static pair(openerEvents: Record<string, (...a: unknown[]) => void>): [EventChannel, EventChannel] {
    const opener = new EventChannel()
    const opened = new EventChannel()
    opener.peer = opened
    opened.peer = opener
    for (const [name, fn] of Object.entries(openerEvents)) opener.on(name, fn)
    return [opener, opened]
  }

  on(name: string, fn: (...a: unknown[]) => void): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), { fn, once: false }])
  }

  once(name: string, fn: (...a: unknown[]) => void): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), { fn, once: true }])
  }

  off(name: string, fn?: (...a: unknown[]) => void): void {
    this.listeners.set(name, fn ? (this.listeners.get(name) ?? []).filter((l) => l.fn !== fn) : [])
  }

  emit(name: string, ...args: unknown[]): void {
    const target = this.peer
    if (!target) return
    const listeners = target.listeners.get(name) ?? []
    target.listeners.set(name, listeners.filter((l) => !l.once))
    for (const l of listeners) l.fn(...args)
  }
}

/** Opens `url` above the current page; answers the channel to it (wx.navigateTo's `res.eventChannel`). */
export function navigateTo(url: string, events: Record<string, (...a: unknown[]) => void> = {}): EventChannel {
  const { route, query } = parseUrl(url)
  if (isTabPage(route)) throw new NavigationError('can not navigateTo a tabbar page')
  if (stack.length >= MAX_STACK) throw new NavigationError('webview count limit exceed')
  pageOf(route)
  const previous = top()
  if (previous) hide(previous)
  const entry = create(route, query)
  const [opener, opened] = EventChannel.pair(events)
  entry.root.instance.getOpenerEventChannel = () => opened
  stack.push(entry)
  start(entry)
  render()
  return opener
}

export function redirectTo(url: string): void {
  const { route, query } = parseUrl(url)
  if (isTabPage(route)) throw new NavigationError('can not redirectTo a tabbar page')
  pageOf(route)
  const previous = stack.pop()
  if (previous) unload(previous)
  const entry = create(route, query)
  stack.push(entry)
  start(entry)
  render()
}

export function navigateBack(delta = 1): void {
  if (stack.length <= 1) throw new NavigationError('cannot navigate back at first page.')
  const n = Math.min(Math.max(1, delta), stack.length - 1)
  for (let i = 0; i < n; i++) unload(stack.pop() as StackEntry)
  show(top() as StackEntry)
  render()
}

export function switchTab(url: string): void {
  const { route } = parseUrl(url)
  if (!isTabPage(route)) throw new NavigationError('can not switch to no-tabBar page')
  const current = top()
  if (current?.page.route === route && stack.length === 1) return
  // pages above the tabs are dropped; tab pages stay alive, hidden
  for (const entry of [...stack].reverse()) {
    if (isTabPage(entry.page.route)) hide(entry)
    else unload(entry)
  }
  const kept = tabInstances.get(route)
  if (kept) {
    stack = [kept]
    show(kept)
  } else {
    const entry = create(route, {})
    tabInstances.set(route, entry)
    stack = [entry]
    start(entry)
  }
  render()
}

export function reLaunch(url: string): void {
  const { route, query } = parseUrl(url)
  pageOf(route)
  for (const entry of [...stack].reverse()) unload(entry)
  for (const entry of tabInstances.values()) if (entry.frame.isConnected) unload(entry)
  tabInstances.clear()
  stack = []
  const entry = create(route, query)
  if (isTabPage(route)) tabInstances.set(route, entry)
  stack.push(entry)
  start(entry)
  render()
}

export function setTitle(title: string): void {
  const entry = top()
  if (entry) entry.title = title
  render()
}

export function setNavigationBarColor(frontColor: string, backgroundColor: string): void {
  const entry = top()
  if (entry) entry.navigationBar = { backgroundColor, textStyle: frontColor === '#ffffff' ? 'white' : 'black' }
  render()
}

/** The page's pull-down refresh (the nav bar's refresh control, or a wheel up at the top of the page). */
export function pullDownRefresh(): boolean {
  const entry = top()
  if (!entry || !windowOf(entry.page).enablePullDownRefresh) return false
  entry.frame.classList.add('pv-refreshing')
  call(entry, 'onPullDownRefresh')
  return true
}

export function stopPullDownRefresh(): void {
  for (const entry of stack) entry.frame.classList.remove('pv-refreshing')
}

/** Redraws the navigation bar and the tab bar for the top page. */
export function render(): void {
  const entry = top()
  navEl.innerHTML = ''
  if (!entry) return
  const win = windowOf(entry.page)
  navEl.style.backgroundColor = entry.navigationBar.backgroundColor
  navEl.classList.toggle('pv-nav-white', entry.navigationBar.textStyle === 'white')
  navEl.hidden = win.navigationStyle === 'custom'
  if (stack.length > 1) {
    const back = document.createElement('button')
    back.className = 'pv-nav-back'
    back.setAttribute('aria-label', '返回')
    back.textContent = '‹'
    back.onclick = () => navigateBack(1)
    navEl.appendChild(back)
  } else if (!isTabPage(entry.page.route)) {
    // opened straight on an inner page (a share card): WeChat offers a way home
    const home = document.createElement('button')
    home.className = 'pv-nav-back pv-nav-home'
    home.setAttribute('aria-label', '首页')
    home.textContent = '⌂'
    const tabs = tabBar()?.list ?? []
    const entryRoute = String(manifest.app.entryPagePath ?? tabs[0]?.pagePath ?? (manifest.app.pages as string[] | undefined)?.[0] ?? '')
    home.onclick = () => (isTabPage(entryRoute) ? switchTab(`/${entryRoute}`) : reLaunch(`/${entryRoute}`))
    navEl.appendChild(home)
  }
  const title = document.createElement('div')
  title.className = 'pv-nav-title'
  title.textContent = entry.title
  navEl.appendChild(title)
  const capsule = document.createElement('div')
  capsule.className = 'pv-capsule'
  const more = document.createElement('button')
  more.className = 'pv-capsule-more'
  more.setAttribute('aria-label', '更多')
  more.textContent = '···'
  more.onclick = () => window.dispatchEvent(new CustomEvent('preview:menu'))
  const refresh = document.createElement('button')
  refresh.className = 'pv-capsule-refresh'
  refresh.setAttribute('aria-label', '下拉刷新')
  refresh.textContent = '↻'
  refresh.disabled = !win.enablePullDownRefresh
  refresh.onclick = () => pullDownRefresh()
  capsule.append(more, refresh)
  navEl.appendChild(capsule)

  const bar = tabBar()
  const onTab = bar && isTabPage(entry.page.route) && stack.length === 1
  tabEl.innerHTML = ''
  tabEl.hidden = !onTab
  if (bar && onTab) {
    tabEl.style.backgroundColor = bar.backgroundColor ?? '#ffffff'
    tabEl.classList.toggle('pv-tab-white-border', bar.borderStyle === 'white')
    for (const item of bar.list) {
      const selected = item.pagePath === entry.page.route
      const button = document.createElement('button')
      button.className = `pv-tab${selected ? ' pv-tab-selected' : ''}`
      button.style.color = selected ? (bar.selectedColor ?? '#07c160') : (bar.color ?? '#888888')
      button.dataset.path = item.pagePath
      const text = document.createElement('span')
      text.className = 'pv-tab-text'
      text.textContent = item.text
      // as on WeChat, a tab without iconPath is its text alone, larger; with one, a stand-in for the icon above the text
      if (item.iconPath) {
        const icon = document.createElement('span')
        icon.className = 'pv-tab-icon'
        icon.textContent = item.text.slice(0, 1)
        button.append(icon, text)
      } else {
        button.classList.add('pv-tab-text-only')
        button.append(text)
      }
      button.onclick = () => {
        const index = bar.list.indexOf(item)
        // onTabItemTap goes to the page showing when its own tab is tapped, and to the tab page that opens
        if (top()?.page.route === item.pagePath) call(top() as StackEntry, 'onTabItemTap', { index, pagePath: item.pagePath, text: item.text })
        else {
          switchTab(`/${item.pagePath}`)
          const opened = top()
          if (opened) call(opened, 'onTabItemTap', { index, pagePath: item.pagePath, text: item.text })
        }
      }
      tabEl.appendChild(button)
    }
  }
}
