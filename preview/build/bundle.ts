/**
 * Builds the browser preview from the real miniprogram/ sources, in memory:
 * - every page app.json lists (main package and subpackages) and every custom component they use,
 *   found by walking app.json and each `usingComponents`, so new pages appear with no change here;
 * - their TypeScript bundled by esbuild with the preview runtime (preview/runtime/), each page's
 *   module evaluated only when the page is first opened, as WeChat does;
 * - their WXML compiled by the official template compiler (wcc, through miniprogram-compiler,
 *   the one the page tests use), shipped as its generated JavaScript;
 * - their WXSS with @import inlined, rpx converted for the 375 px frame and classes scoped per
 *   page/component (app.wxss applied to every page).
 */
import fs from 'node:fs'
import path from 'node:path'
import esbuild from 'esbuild'
import { readWxss, scopeWxss } from './wxss'
import type { PreviewManifest, PreviewComponent, PreviewPage } from '../runtime/manifest'

/** wcc, as miniprogram-simulate bundles it (untyped): the source of a function answering `$gwx`. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const compiler = require('miniprogram-compiler') as { wxmlToJs(rootPath: string): string }

export const REPO_ROOT = path.resolve(__dirname, '../..')
export const MINIPROGRAM_ROOT = path.join(REPO_ROOT, 'miniprogram')
const RUNTIME_ENTRY = path.join(REPO_ROOT, 'preview/runtime/main.ts')
const SHELL_DIR = path.join(REPO_ROOT, 'preview/shell')

export interface PreviewBuild {
  /** index.html */
  html: string
  /** The whole app: runtime, wcc's templates, page and component modules. */
  js: string
  /** Shell styles, built-in component styles and every page's scoped WXSS. */
  css: string
  manifest: PreviewManifest
}

function readJson(file: string): Record<string, unknown> {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {}
}

/** A class prefix for a page or component path (`seller/customers/index` -> `seller_customers_index`). */
export function classPrefixOf(modulePath: string): string {
  return modulePath.replace(/[^a-zA-Z0-9]/g, '_')
}

/** Every page route app.json declares: main pages first, then each subpackage's pages under its root. */
export function pageRoutes(appJson: Record<string, unknown>): string[] {
  const routes = [...((appJson.pages as string[] | undefined) ?? [])]
  const subs = ((appJson.subPackages ?? appJson.subpackages) as Array<{ root: string; pages: string[] }> | undefined) ?? []
  for (const sub of subs) for (const page of sub.pages) routes.push(path.posix.join(sub.root, page))
  return routes
}

/** Resolves a `usingComponents` entry of the page/component at `from` to a module path under the root, or null for plugins/npm. */
function resolveComponent(root: string, from: string, target: string): string | null {
  if (target.startsWith('plugin://')) return null
  const abs = target.startsWith('/') ? path.join(root, target) : path.resolve(root, path.dirname(from), target)
  for (const candidate of [abs, path.join(abs, 'index')]) if (fs.existsSync(`${candidate}.json`)) return path.relative(root, candidate).split(path.sep).join('/')
  return null
}

/** Walks app.json and each usingComponents; answers the manifest and the WXSS per module. */
export function collectManifest(root = MINIPROGRAM_ROOT): PreviewManifest {
  const app = readJson(path.join(root, 'app.json'))
  const components = new Map<string, PreviewComponent>()
  const globalUsing = (app.usingComponents as Record<string, string> | undefined) ?? {}

  const usingOf = (modulePath: string, json: Record<string, unknown>): Record<string, string> => {
    const using: Record<string, string> = {}
    const declared = { ...(json.component ? {} : globalUsing), ...((json.usingComponents as Record<string, string> | undefined) ?? {}) }
    for (const [tag, target] of Object.entries(declared)) {
      const resolved = resolveComponent(root, modulePath, target)
      if (!resolved) continue
      using[tag] = resolved
      visitComponent(resolved)
    }
    return using
  }
  const visitComponent = (modulePath: string): void => {
    if (components.has(modulePath)) return
    const json = readJson(path.join(root, `${modulePath}.json`))
    const entry: PreviewComponent = { path: modulePath, classPrefix: classPrefixOf(modulePath), json, usingComponents: {} }
    components.set(modulePath, entry)
    entry.usingComponents = usingOf(modulePath, json)
  }

  const pages: PreviewPage[] = pageRoutes(app).map((route) => {
    const json = readJson(path.join(root, `${route}.json`))
    return { route, classPrefix: classPrefixOf(route), json, usingComponents: usingOf(route, json) }
  })
  return { app, pages, components: [...components.values()] }
}

/** The scoped CSS of every page (app.wxss + its own) and component. */
export function collectCss(manifest: PreviewManifest, root = MINIPROGRAM_ROOT): string {
  const appWxss = readWxss(path.join(root, 'app.wxss'))
  const parts: string[] = []
  for (const page of manifest.pages) {
    const own = readWxss(path.join(root, `${page.route}.wxss`))
    parts.push(`/* ${page.route} */\n${scopeWxss(`${appWxss}\n${own}`, page.classPrefix, `.wx-page.${page.classPrefix}`)}`)
  }
  for (const component of manifest.components) {
    const own = readWxss(path.join(root, `${component.path}.wxss`))
    const shared = component.json.styleIsolation === 'apply-shared' || component.json.styleIsolation === 'shared' ? appWxss : ''
    parts.push(`/* ${component.path} */\n${scopeWxss(`${shared}\n${own}`, component.classPrefix, `.${component.classPrefix}-host`)}`)
  }
  return parts.join('\n')
}

/** The generated entry: the runtime, then a lazy loader per module (esbuild keeps each `require` lazy). */
function entrySource(manifest: PreviewManifest, root: string): string {
  const loader = (modulePath: string) => {
    const file = path.join(root, `${modulePath}.ts`)
    const js = path.join(root, `${modulePath}.js`)
    const source = fs.existsSync(file) ? file : fs.existsSync(js) ? js : null
    return `${JSON.stringify(modulePath)}: ${source ? `() => require(${JSON.stringify(source)})` : '() => undefined'}`
  }
  const modules = ['app', ...manifest.components.map((c) => c.path), ...manifest.pages.map((p) => p.route)]
  return [
    `const runtime = require(${JSON.stringify(RUNTIME_ENTRY)})`,
    `runtime.boot(${JSON.stringify(manifest)}, {`,
    modules.map((m) => `  ${loader(m)},`).join('\n'),
    `}, globalThis.__previewTemplates)`,
  ].join('\n')
}

/** wcc's output for the whole mini program: a function answering the template function of `<path>.wxml`. */
function templatesSource(root: string): string {
  const generated = compiler.wxmlToJs(root)
  return `window.__webview_engine_version__ = 0.02;\nwindow.__previewTemplates = (function () {\n${generated}\n})();\n`
}

/** Builds everything the preview serves; throws with esbuild's or wcc's message when a source does not compile. */
export async function buildPreview(root = MINIPROGRAM_ROOT): Promise<PreviewBuild> {
  const manifest = collectManifest(root)
  const result = await esbuild.build({
    stdin: { contents: entrySource(manifest, root), resolveDir: REPO_ROOT, sourcefile: 'preview-entry.js', loader: 'js' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    define: { global: 'globalThis', 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
    legalComments: 'none',
  })
  const js = `${templatesSource(root)}\n${result.outputFiles[0].text}`
  const css = [fs.readFileSync(path.join(SHELL_DIR, 'shell.css'), 'utf8'), fs.readFileSync(path.join(SHELL_DIR, 'builtins.css'), 'utf8'), collectCss(manifest, root)].join('\n')
  const html = fs.readFileSync(path.join(SHELL_DIR, 'index.html'), 'utf8')
  return { html, js, css, manifest }
}
