/**
 * What WeChat DevTools would check when it opens the project, without DevTools: every WXML
 * compiles with the official template compiler (wcc, bundled with miniprogram-simulate), and
 * app.json and every page's JSON are valid (pages exist, subpackages, tab bar, components,
 * imports), with no code crossing from one package into another.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import compiler from 'miniprogram-compiler'
import { MINIPROGRAM_ROOT } from './helpers/page-shim'
import { ORDER_PAGE } from '../../backend/notifications'

interface AppJson {
  pages: string[]
  subPackages?: Array<{ root: string; name?: string; pages: string[] }>
  tabBar?: { list: Array<{ pagePath: string; text: string }> }
  lazyCodeLoading?: string
  __usePrivacyCheck__?: boolean
  usingComponents?: Record<string, string>
  preloadRule?: Record<string, { packages: string[] }>
  [key: string]: unknown
}

const APP_KEYS = new Set(['pages', 'subPackages', 'preloadRule', 'tabBar', 'window', 'style', 'sitemapLocation', 'lazyCodeLoading', '__usePrivacyCheck__', 'usingComponents', 'permission', 'requiredPrivateInfos'])
const PAGE_KEYS = new Set(['navigationBarTitleText', 'navigationBarBackgroundColor', 'navigationBarTextStyle', 'backgroundColor', 'backgroundTextStyle', 'enablePullDownRefresh', 'onReachBottomDistance', 'usingComponents', 'disableScroll', 'navigationStyle'])
const COMPONENT_KEYS = new Set(['component', 'usingComponents', 'styleIsolation'])

const read = (relative: string) => readFileSync(path.join(MINIPROGRAM_ROOT, relative), 'utf8')
const app = JSON.parse(read('app.json')) as AppJson
const subPackages = app.subPackages ?? []
const allPages = [...app.pages, ...subPackages.flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))]

/** Which package a file (path relative to the mini program root) belongs to. */
function packageOf(relative: string): string {
  return subPackages.find((s) => relative.startsWith(`${s.root}/`))?.root ?? 'main'
}

function filesUnder(dir: string, ext: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'miniprogram_npm') filesUnder(full, ext, out)
    } else if (entry.name.endsWith(ext)) out.push(path.relative(MINIPROGRAM_ROOT, full).split(path.sep).join('/'))
  }
  return out
}

/** A path as WXML/JSON write it: '/x' from the root, else relative to the file. */
function resolveFrom(file: string, target: string): string {
  return target.startsWith('/') ? target.slice(1) : path.posix.normalize(path.posix.join(path.posix.dirname(file), target))
}

describe('WXML and WXSS compile with the official compilers (wcc, wcsc)', () => {
  test('the whole mini program compiles, and each page template is in the result', () => {
    ;(window as unknown as { __webview_engine_version__: number }).__webview_engine_version__ = 0.02
    const source = compiler.wxmlToJs(MINIPROGRAM_ROOT)
    const gwx = new Function(source)() as (path: string) => unknown
    for (const page of allPages) expect(typeof gwx(`${page}.wxml`)).toBe('function')
  })

  test('the compiler refuses a broken template (so the test above can fail)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wcc-broken-'))
    try {
      writeFileSync(path.join(dir, 'index.wxml'), '<view><text>{{name}}</view>')
      expect(() => compiler.wxmlToJs(dir)).toThrow(/index\.wxml/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('every WXSS compiles with the official style compiler (wcsc), and a broken one is refused', () => {
    expect(compiler.wxssToJs(MINIPROGRAM_ROOT)).toContain('wxssMap')
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wcsc-broken-'))
    try {
      writeFileSync(path.join(dir, 'index.wxss'), '.a { color: red')
      expect(() => compiler.wxssToJs(dir)).toThrow()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test.each(filesUnder(MINIPROGRAM_ROOT, '.wxml'))('%s imports only templates that exist', (file) => {
    for (const [, src] of read(file).matchAll(/<(?:import|include)\s+src="([^"]+)"/g)) {
      const target = resolveFrom(file, src)
      expect(existsSync(path.join(MINIPROGRAM_ROOT, target))).toBe(true)
      // a subpackage may use the main package's templates, never another subpackage's
      if (packageOf(target) !== 'main') expect(packageOf(target)).toBe(packageOf(file))
    }
  })

  test.each(filesUnder(MINIPROGRAM_ROOT, '.wxss'))('%s imports only styles that exist', (file) => {
    for (const [, src] of read(file).matchAll(/@import\s+["']([^"']+)["']/g)) {
      const target = resolveFrom(file, src)
      expect(existsSync(path.join(MINIPROGRAM_ROOT, target))).toBe(true)
      if (packageOf(target) !== 'main') expect(packageOf(target)).toBe(packageOf(file))
    }
  })
})

describe('app.json', () => {
  test('uses only keys the platform knows, with lazy code loading and the privacy check on', () => {
    for (const key of Object.keys(app)) expect(APP_KEYS).toContain(key)
    expect(app.lazyCodeLoading).toBe('requiredComponents')
    expect(app.__usePrivacyCheck__).toBe(true)
  })

  test('every page is listed once and exists with its .ts, .wxml and .json', () => {
    expect(new Set(allPages).size).toBe(allPages.length)
    for (const page of allPages) {
      for (const ext of ['.ts', '.wxml', '.json']) expect([page, existsSync(path.join(MINIPROGRAM_ROOT, page + ext))]).toEqual([page, true])
    }
  })

  test('every page folder on disk is registered (no page DevTools would not load)', () => {
    const onDisk = filesUnder(MINIPROGRAM_ROOT, '.wxml')
      .map((f) => f.replace(/\.wxml$/, ''))
      .filter((f) => {
        const json = path.join(MINIPROGRAM_ROOT, `${f}.json`)
        return existsSync(json) && existsSync(path.join(MINIPROGRAM_ROOT, `${f}.ts`)) && JSON.parse(readFileSync(json, 'utf8')).component !== true
      })
    expect(onDisk.sort()).toEqual([...allPages].sort())
  })

  test('the page subscribe messages open is a main-package page', () => {
    expect(app.pages).toContain(ORDER_PAGE)
  })

  test('the seller and owner areas are subpackages, and the tab bar shows main-package pages', () => {
    expect(subPackages.map((s) => s.root).sort()).toEqual(['owner', 'seller'])
    for (const s of subPackages) expect(app.pages.some((p) => p.startsWith(`${s.root}/`))).toBe(false)
    const tabs = app.tabBar?.list ?? []
    expect(tabs.length).toBeGreaterThanOrEqual(2)
    expect(tabs.length).toBeLessThanOrEqual(5)
    for (const tab of tabs) expect(app.pages).toContain(tab.pagePath)
    expect(tabs.map((t) => t.pagePath)).toEqual(expect.arrayContaining(['pages/home/index', 'pages/me/index']))
    for (const rule of Object.values(app.preloadRule ?? {})) for (const p of rule.packages) expect(subPackages.map((s) => s.name ?? s.root)).toContain(p)
  })
})

describe('page and component JSON', () => {
  const jsons = filesUnder(MINIPROGRAM_ROOT, '.json').filter((f) => f !== 'app.json' && f !== 'sitemap.json' && f !== 'package.json' && existsSync(path.join(MINIPROGRAM_ROOT, f.replace(/\.json$/, '.wxml'))))

  test.each(jsons)('%s is valid and its components resolve', (file) => {
    const json = JSON.parse(read(file)) as { component?: boolean; usingComponents?: Record<string, string> } & Record<string, unknown>
    const allowed = json.component ? COMPONENT_KEYS : PAGE_KEYS
    for (const key of Object.keys(json)) expect([file, key, allowed.has(key)]).toEqual([file, key, true])
    for (const [tag, target] of Object.entries(json.usingComponents ?? {})) {
      expect(tag).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)+$|^[a-z][a-z0-9-]*$/)
      const component = resolveFrom(file, target)
      const componentJson = JSON.parse(read(`${component}.json`)) as { component?: boolean }
      expect([component, componentJson.component]).toEqual([component, true])
      expect(existsSync(path.join(MINIPROGRAM_ROOT, `${component}.wxml`))).toBe(true)
      if (packageOf(component) !== 'main') expect(packageOf(component)).toBe(packageOf(file))
    }
  })
})

describe('code stays inside its package', () => {
  test.each(filesUnder(MINIPROGRAM_ROOT, '.ts'))('%s requires only its own package, the main package or npm (types may come from typings/)', (file) => {
    const source = read(file)
    for (const [statement, typeOnly, spec] of source.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm)) {
      if (!spec.startsWith('.')) {
        expect([statement, ['dayjs']]).toEqual([statement, expect.arrayContaining([spec])])
        continue
      }
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec))
      if (target.startsWith('../')) {
        // outside miniprogram/: only the API types, which compile away
        expect([statement, !!typeOnly, target.startsWith('../typings/')]).toEqual([statement, true, true])
        continue
      }
      const owner = packageOf(target)
      if (owner !== 'main') expect([statement, owner]).toEqual([statement, packageOf(file)])
    }
  })
})

describe('tap targets', () => {
  /** Declarations per class selector in a WXSS file and the files it imports. */
  function classRules(file: string, into = new Map<string, string[]>()): Map<string, string[]> {
    const source = read(file)
    for (const [, src] of source.matchAll(/@import\s+["']([^"']+)["']/g)) classRules(resolveFrom(file, src), into)
    for (const [, selectors, body] of source.matchAll(/([^{}]+)\{([^}]*)\}/g)) {
      for (const selector of selectors.split(',')) {
        const single = /^\s*\.([\w-]+)\s*$/.exec(selector)
        if (single) into.set(single[1], [...(into.get(single[1]) ?? []), body])
      }
    }
    return into
  }

  const tall = (body: string) => [...body.matchAll(/(?:^|[\s;])(?:min-height|height|line-height)\s*:\s*(\d+)rpx/g)].some(([, n]) => Number(n) >= 88)
  const tappableIn = (file: string) => [...read(file).matchAll(/<([a-z][\w-]*)\b([^>]*)>/g)].filter(([, tag, attrs]) => tag === 'button' || tag === 'navigator' || /\b(bind|catch):?tap=/.test(attrs))
  // the home page belongs to the catalogue work in progress; pages that only include a template are checked through it
  const mine = filesUnder(MINIPROGRAM_ROOT, '.wxml').filter((f) => !f.startsWith('pages/home/') && tappableIn(f).length > 0)

  test.each(mine)('%s: every tappable element is at least 44px (88rpx) high', (file) => {
    const rules = classRules('app.wxss')
    const wxss = file.replace(/\.wxml$/, '.wxss')
    if (existsSync(path.join(MINIPROGRAM_ROOT, wxss))) classRules(wxss, rules)
    for (const [element, , attrs] of tappableIn(file)) {
      const classes = (/\bclass="([^"]*)"/.exec(attrs)?.[1] ?? '').replace(/\{\{[^}]*\}\}/g, ' ').split(/\s+/).filter(Boolean)
      const ok = classes.some((c) => (rules.get(c) ?? []).some(tall))
      expect([element, ok]).toEqual([element, true])
    }
  })
})
