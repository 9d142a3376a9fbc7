/**
 * Loads mini program pages under miniprogram-simulate. The simulator only knows `Component()`,
 * so `Page(options)` is re-expressed as a Component whose methods are the page's functions (what
 * WeChat itself allows for Component-built pages), and `loadPage` plays the page lifecycle
 * (onLoad(query) → onShow → onReady) that j-component does not know.
 */
import path from 'node:path'
import simulate from 'miniprogram-simulate'
import type { RootComponent } from 'j-component'

export const MINIPROGRAM_ROOT = path.resolve(__dirname, '../../../miniprogram')

type PageFunction = (this: unknown, ...args: unknown[]) => unknown

/** Keys of `Page()` options that keep their Component meaning rather than becoming methods or fields. */
const COMPONENT_KEYS = new Set(['data', 'options', 'behaviors'])

function pageAsComponent(options: Record<string, unknown>): string {
  const methods: Record<string, PageFunction> = {}
  const fields: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(options)) {
    if (COMPONENT_KEYS.has(key)) continue
    if (typeof value === 'function') methods[key] = value as PageFunction
    else fields[key] = value
  }
  const definition = {
    data: (options.data ?? {}) as Record<string, unknown>,
    options: options.options as WechatMiniprogram.Component.ComponentOptions | undefined,
    behaviors: (options.behaviors ?? []) as string[],
    methods,
    lifetimes: {
      created(this: Record<string, unknown>) {
        // Page() puts non-function options on the instance; give each instance its own copy.
        for (const [key, value] of Object.entries(fields)) this[key] = typeof value === 'object' && value !== null ? structuredClone(value) : value
      },
    },
  }
  return (Component as unknown as (definition: object) => string)(definition)
}

;(globalThis as unknown as { Page: typeof pageAsComponent }).Page = pageAsComponent

/** The lifecycle hooks `loadPage` calls on the page instance. */
interface PageLifecycle {
  onLoad?(query: Record<string, string>): unknown
  onShow?(): unknown
  onReady?(): unknown
  route?: string
  options?: Record<string, string>
}

export type LoadedPage = RootComponent<Record<string, unknown>, Record<string, never>, Record<string, PageFunction>>

// jest caches a page's module, so Page() runs only on its first load in a test file: keep the id.
const loadedIds = new Map<string, string>()

/** Renders the page at `route` (e.g. 'pages/home/index'), attaches it, and runs onLoad(query), onShow and onReady, awaiting onLoad. */
export async function loadPage(route: string, query: Record<string, string> = {}): Promise<LoadedPage> {
  let id = loadedIds.get(route)
  if (!id) {
    id = simulate.load(path.join(MINIPROGRAM_ROOT, route), { rootPath: MINIPROGRAM_ROOT })
    loadedIds.set(route, id)
  }
  const page = simulate.render(id) as unknown as LoadedPage
  page.attach(document.createElement('parent-wrapper'))
  const instance = page.instance as unknown as PageLifecycle
  instance.route = route
  instance.options = query
  await instance.onLoad?.(query)
  await instance.onShow?.()
  await instance.onReady?.()
  return page
}

/** The text of the first element matching `selector`, or undefined when there is none. */
export function textOf(page: LoadedPage, selector: string): string | undefined {
  return page.querySelector(selector)?.dom?.textContent ?? undefined
}

/** The texts of every element matching `selector`. */
export function textsOf(page: LoadedPage, selector: string): string[] {
  return page.querySelectorAll(selector).map((node) => node.dom?.textContent ?? '')
}

/** The `index`th element matching `selector`; throws when there is none. */
export function nodeAt(page: LoadedPage, selector: string, index = 0) {
  const node = page.querySelectorAll(selector)[index]
  if (!node) throw new Error(`nothing matches ${selector} [${index}]`)
  return node
}

/** The index, among the elements matching `selector`, of the one whose data-id is `id`; throws when there is none. */
export function indexById(page: LoadedPage, selector: string, id: string): number {
  const index = page.querySelectorAll(selector).findIndex((n) => (n.dom as HTMLElement | undefined)?.getAttribute('data-id') === id)
  if (index < 0) throw new Error(`no ${selector} for ${id}`)
  return index
}

/** Taps the `index`th element matching `selector`; throws when there is none. */
export function tap(page: LoadedPage, selector: string, index = 0): void {
  nodeAt(page, selector, index).dispatchEvent('tap')
}

/** Dispatches `event` on the `index`th element matching `selector` and lets its handler start (the simulator delivers events asynchronously). */
async function dispatchAndYield(page: LoadedPage, selector: string, index: number, event: string, detail?: unknown): Promise<void> {
  const node = nodeAt(page, selector, index)
  if (detail === undefined) node.dispatchEvent(event)
  else node.dispatchEvent(event, { detail })
  await simulate.sleep(0)
}

/** Taps and lets the tap handler start. */
export function tapAndYield(page: LoadedPage, selector: string, index = 0): Promise<void> {
  return dispatchAndYield(page, selector, index, 'tap')
}

/** Types `value` (an input event) and lets the input handler start. */
export function inputAndYield(page: LoadedPage, selector: string, value: string, index = 0): Promise<void> {
  return dispatchAndYield(page, selector, index, 'input', { value })
}

/** Changes a picker, switch or checkbox group to `value` and lets the change handler start. */
export function changeAndYield(page: LoadedPage, selector: string, value: unknown, index = 0): Promise<void> {
  return dispatchAndYield(page, selector, index, 'change', { value })
}

/** Scrolls a list page down (onReachBottom) until one of its cards satisfies `has` or the list is finished. */
export async function scrollUntil(page: LoadedPage, has: (card: any) => boolean): Promise<void> {
  const data = () => page.instance.data as { cards: unknown[]; finished: boolean }
  while (!data().cards.some(has) && !data().finished) {
    await (page.instance as unknown as { onReachBottom(): Promise<void> }).onReachBottom()
  }
}
