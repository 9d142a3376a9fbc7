/**
 * @jest-environment node
 */
/** `npm run size`: what an upload weighs, and the main package's budget (under 500 KB; WeChat's limit is 2 MB). */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { transformSync } from 'esbuild'
import { REPO_ROOT } from './helpers/local-cloud-process'

jest.setTimeout(60_000)

function runSize(root?: string): { lines: string[]; last: { mainPackageBytes: number; totalBytes: number } } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/size.ts'), ...(root ? [root] : [])], { cwd: REPO_ROOT, encoding: 'utf8' })
  const lines = out.trim().split('\n')
  return { lines, last: JSON.parse(lines[lines.length - 1]) }
}

test('the main package stays under 500 KB, and every subpackage is listed', () => {
  const { lines, last } = runSize()
  expect(Object.keys(last).sort()).toEqual(['mainPackageBytes', 'totalBytes'])
  expect(last.mainPackageBytes).toBeGreaterThan(0)
  expect(last.mainPackageBytes).toBeLessThan(500 * 1024)
  expect(last.totalBytes).toBeGreaterThan(last.mainPackageBytes)
  expect(lines.some((l) => l.startsWith('main package:'))).toBe(true)
  expect(lines.some((l) => l.startsWith('subpackage seller/:'))).toBe(true)
  expect(lines.some((l) => l.startsWith('subpackage owner/:'))).toBe(true)
})

test('it counts compiled JavaScript, templates, styles, JSON and images per package, not TypeScript sources or tests', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mp-size-'))
  try {
    const ts = 'interface A { n: number }\nexport const double = (a: A): number => a.n * 2 // a comment\n'
    const files: Record<string, string | Buffer> = {
      'app.json': JSON.stringify({ pages: ['pages/a/index'], subPackages: [{ root: 'sub', pages: ['b/index'] }] }),
      'app.ts': ts,
      'pages/a/index.wxml': '<view>a</view>',
      'pages/a/index.wxss': '.a{color:red}',
      'pages/a/index.json': '{}',
      'pages/a/logo.png': Buffer.alloc(1000, 1),
      'pages/a/index.test.ts': 'x'.repeat(5000),
      'types.d.ts': 'x'.repeat(5000),
      'package.json': JSON.stringify({ dependencies: {} }),
      'sub/b/index.wxml': '<view>bb</view>',
      'sub/b/index.ts': ts,
    }
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, name)), { recursive: true })
      writeFileSync(path.join(root, name), content)
    }
    mkdirSync(path.join(root, 'miniprogram_npm/dayjs'), { recursive: true })
    writeFileSync(path.join(root, 'miniprogram_npm/dayjs/index.js'), 'y'.repeat(300))

    const js = Buffer.byteLength(transformSync(ts, { loader: 'ts', format: 'cjs', target: 'es2018', minify: true }).code)
    const bytes = (s: string) => Buffer.byteLength(s)
    const main = bytes(files['app.json'] as string) + js + bytes('<view>a</view>') + bytes('.a{color:red}') + 2 + 1000 + 300
    const sub = bytes('<view>bb</view>') + js
    expect(runSize(root).last).toEqual({ mainPackageBytes: main, totalBytes: main + sub })
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})
