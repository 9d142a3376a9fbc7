/**
 * `npm run size`: what an upload of the Mini Program would weigh, package by package. Counts what
 * DevTools uploads, not our sources: each .ts compiled on its own (as DevTools' TypeScript plugin
 * does; minified, as project.config.json's `minified` asks) to .js, WXML, WXSS, WXS, JSON, images
 * and miniprogram_npm. When miniprogram_npm has not been built (DevTools' "构建 npm"), each
 * dependency of miniprogram/package.json is counted as that build would pack it: its main entry.
 * Files project.config.json's packOptions ignore, type declarations and package.json are left out.
 * The last line is one JSON object: {"mainPackageBytes": N, "totalBytes": N}.
 *
 *   npx tsx scripts/size.ts [miniprogramRoot]
 */
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { transformSync } from 'esbuild'

const REPO_ROOT = path.resolve(__dirname, '..')
const UPLOADED = new Set(['.js', '.wxml', '.wxss', '.wxs', '.json', '.png', '.jpg', '.jpeg', '.gif', '.svg', '.webp'])
const NOT_UPLOADED = new Set(['package.json', 'package-lock.json', 'tsconfig.json'])

interface PackOption {
  type: 'suffix' | 'folder' | 'file' | 'prefix'
  value: string
}

export interface SizeReport {
  /** Bytes per package: 'main' and each subpackage root. */
  packages: Array<{ name: string; bytes: number; files: number }>
  mainPackageBytes: number
  totalBytes: number
  npmNote: string
}

function packIgnores(): PackOption[] {
  const config = JSON.parse(readFileSync(path.join(REPO_ROOT, 'project.config.json'), 'utf8')) as { packOptions?: { ignore?: PackOption[] } }
  return config.packOptions?.ignore ?? []
}

function ignored(relative: string, options: PackOption[]): boolean {
  const name = path.basename(relative)
  if (NOT_UPLOADED.has(name) && !relative.includes('miniprogram_npm/')) return true
  if (relative.endsWith('.d.ts')) return true
  return options.some((o) => {
    if (o.type === 'suffix') return relative.endsWith(o.value)
    if (o.type === 'folder') return relative.split('/').includes(o.value.replace(/\/$/, ''))
    if (o.type === 'file') return relative === o.value
    return relative.startsWith(o.value)
  })
}

function walk(dir: string, root: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') walk(full, root, out)
    } else out.push(path.relative(root, full).split(path.sep).join('/'))
  }
}

/** The uploaded bytes of one file: a .ts as the .js DevTools would make of it, others as they are. */
function uploadedBytes(file: string): { ext: string; bytes: number } {
  if (file.endsWith('.ts')) {
    const source = readFileSync(file, 'utf8')
    const { code } = transformSync(source, { loader: 'ts', format: 'cjs', target: 'es2018', minify: true, sourcefile: file })
    return { ext: '.js', bytes: Buffer.byteLength(code) }
  }
  return { ext: path.extname(file), bytes: statSync(file).size }
}

/** Bytes the npm build would add when miniprogram_npm is absent: each dependency's main entry. */
function unbuiltNpmBytes(root: string): { bytes: number; note: string } {
  const manifest = path.join(root, 'package.json')
  if (!existsSync(manifest)) return { bytes: 0, note: 'no miniprogram/package.json' }
  const deps = Object.keys((JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {})
  let bytes = 0
  for (const dep of deps) {
    const pkgDir = path.dirname(require.resolve(`${dep}/package.json`, { paths: [root, REPO_ROOT] }))
    const main = (JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { main?: string }).main ?? 'index.js'
    bytes += statSync(path.resolve(pkgDir, main)).size
  }
  return { bytes, note: `miniprogram_npm not built; counted the main entries of ${deps.join(', ') || 'no dependencies'}` }
}

export function measure(root = path.join(REPO_ROOT, 'miniprogram')): SizeReport {
  const app = JSON.parse(readFileSync(path.join(root, 'app.json'), 'utf8')) as { subPackages?: Array<{ root: string }>; subpackages?: Array<{ root: string }> }
  const roots = (app.subPackages ?? app.subpackages ?? []).map((s) => s.root.replace(/\/$/, ''))
  const options = packIgnores()
  const files: string[] = []
  walk(root, root, files)
  const packages = new Map<string, { bytes: number; files: number }>([['main', { bytes: 0, files: 0 }], ...roots.map((r) => [r, { bytes: 0, files: 0 }] as const)])
  for (const relative of files) {
    if (ignored(relative, options)) continue
    const { ext, bytes } = uploadedBytes(path.join(root, relative))
    if (!UPLOADED.has(ext)) continue
    const owner = roots.find((r) => relative.startsWith(`${r}/`)) ?? 'main'
    const entry = packages.get(owner)!
    entry.bytes += bytes
    entry.files += 1
  }
  let npmNote = 'miniprogram_npm counted as built'
  if (!existsSync(path.join(root, 'miniprogram_npm'))) {
    const npm = unbuiltNpmBytes(root)
    packages.get('main')!.bytes += npm.bytes
    npmNote = npm.note
  }
  const list = [...packages].map(([name, v]) => ({ name, ...v }))
  const mainPackageBytes = packages.get('main')!.bytes
  return { packages: list, mainPackageBytes, totalBytes: list.reduce((sum, p) => sum + p.bytes, 0), npmNote }
}

if (require.main === module) {
  const report = measure(process.argv[2] ? path.resolve(process.argv[2]) : undefined)
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`
  for (const p of report.packages) console.log(`${p.name === 'main' ? 'main package' : `subpackage ${p.name}/`}: ${kb(p.bytes)} (${p.files} files)`)
  console.log(`(${report.npmNote})`)
  console.log(`total: ${kb(report.totalBytes)}`)
  console.log(JSON.stringify({ mainPackageBytes: report.mainPackageBytes, totalBytes: report.totalBytes }))
}
