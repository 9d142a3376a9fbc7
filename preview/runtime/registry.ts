/**
 * Turns the mini program's modules into j-component definitions: `Page()` and `Component()` are
 * global while a module is evaluated, as on WeChat; each call is registered with j-component with
 * the template wcc compiled for that module, its usingComponents (as ids) and its class prefix
 * (the prefix the build scoped its WXSS with). A page is a Component whose methods are the
 * page's functions, as the page tests' shim does (test/miniprogram/helpers/page-shim.ts).
 */
import jComponent from 'j-component'
import type { ModuleLoaders, PreviewComponent, PreviewManifest, PreviewPage, Templates } from './manifest'

type Fn = (this: unknown, ...args: unknown[]) => unknown

interface Loading {
  path: string
  classPrefix: string
  usingComponents: Record<string, string>
  isPage: boolean
}

let loading: Loading | null = null
const ids = new Map<string, string>()
let manifest: PreviewManifest
let loaders: ModuleLoaders
let templates: Templates

/** Keys of Page() options that keep their Component meaning. */
const COMPONENT_KEYS = new Set(['data', 'options', 'behaviors'])

function register(definition: Record<string, unknown>): string {
  if (!loading) throw new Error('Component()/Page() called outside a module the preview loads')
  const template = templates(`${loading.path}.wxml`)
  if (typeof template !== 'function') throw new Error(`no compiled template for ${loading.path}.wxml`)
  const id = jComponent.register({
    ...definition,
    id: `m-${loading.classPrefix}`,
    path: `/${loading.path}`,
    tagName: loading.isPage ? 'wx-page' : loading.classPrefix,
    template,
    usingComponents: loading.usingComponents,
    options: { ...((definition.options as object | undefined) ?? {}), classPrefix: loading.classPrefix, multipleSlots: true },
  } as never) as unknown as string
  ids.set(loading.path, id)
  return id
}

function pageAsComponent(options: Record<string, unknown>): Record<string, unknown> {
  const methods: Record<string, Fn> = {}
  const fields: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(options)) {
    if (COMPONENT_KEYS.has(key)) continue
    if (typeof value === 'function') methods[key] = value as Fn
    else fields[key] = value
  }
  return {
    data: options.data ?? {},
    options: options.options,
    behaviors: options.behaviors ?? [],
    methods,
    lifetimes: {
      created(this: Record<string, unknown>) {
        for (const [key, value] of Object.entries(fields)) this[key] = typeof value === 'object' && value !== null ? structuredClone(value) : value
      },
    },
  }
}

export function installConstructors(): void {
  const g = globalThis as unknown as Record<string, unknown>
  g.Component = (options: Record<string, unknown>) => register(options)
  g.Page = (options: Record<string, unknown>) => register(pageAsComponent(options))
  g.Behavior = (definition: Record<string, unknown>) => jComponent.behavior(definition as never)
}

export function initRegistry(m: PreviewManifest, l: ModuleLoaders, t: Templates): void {
  manifest = m
  loaders = l
  templates = t
}

function evaluate(entry: PreviewComponent | PreviewPage, path: string, isPage: boolean): string {
  const known = ids.get(path)
  if (known) return known
  // components first: the page's template refers to their ids
  const using: Record<string, string> = {}
  for (const [tag, componentPath] of Object.entries(entry.usingComponents)) {
    const component = manifest.components.find((c) => c.path === componentPath)
    if (component) using[tag] = evaluate(component, component.path, false)
  }
  const previous = loading
  loading = { path, classPrefix: entry.classPrefix, usingComponents: using, isPage }
  try {
    loaders[path]?.()
  } finally {
    loading = previous
  }
  const id = ids.get(path)
  if (!id) throw new Error(`${path} did not call ${isPage ? 'Page()' : 'Component()'}`)
  return id
}

/** The j-component id of the page at `route`, evaluating its module (and its components') on first use. */
export function pageComponentId(route: string): string {
  const page = manifest.pages.find((p) => p.route === route)
  if (!page) throw new Error(`page ${route} is not in app.json`)
  return evaluate(page, route, true)
}
