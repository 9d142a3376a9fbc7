#!/usr/bin/env node
/**
 * `npm run build`: bundles each cloudfunctions/<name>/index.ts with the shared code it imports
 * (backend/, domain/, typings/) into cloudfunctions/<name>/index.js, the file DevTools' upload
 * and `tcb fn deploy` ship and the local cloud runs, so what is tested is what ships. The SDK
 * stays external: each function's package.json declares it, so the platform installs it.
 *
 *   node scripts/build-functions.js [functionsDir] [--out <dir>]
 */
const fs = require('node:fs')
const path = require('node:path')
const esbuild = require('esbuild')

const REPO_ROOT = path.resolve(__dirname, '..')
const SDK = '@cloudbase/node-sdk'
const SDK_VERSION = require(path.join(REPO_ROOT, 'package.json')).dependencies[SDK]
/** Provided by the platform's npm install, never bundled. */
const EXTERNAL = [SDK, 'wx-server-sdk']

/** Function folders under `functionsDir` that hold an index.ts. */
function functionSources(functionsDir) {
  if (!fs.existsSync(functionsDir)) return []
  return fs
    .readdirSync(functionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(functionsDir, entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .sort()
}

/** Makes `<dir>/package.json` declare the SDK at the project's pinned version; returns whether it changed. */
function ensurePackageJson(dir, name) {
  const file = path.join(dir, 'package.json')
  const existing = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined
  const pkg = existing ?? { name, version: '1.0.0', private: true, main: 'index.js' }
  if (existing && pkg.dependencies?.[SDK] === SDK_VERSION) return false
  pkg.dependencies = { ...pkg.dependencies, [SDK]: SDK_VERSION }
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n')
  return true
}

/**
 * Builds every function under `functionsDir`. With `outDir`, writes `<outDir>/<name>/index.js`
 * (plus config.json and package.json) instead of building in place; tests use it.
 * Resolves with the names built.
 */
async function buildFunctions({ functionsDir = path.join(REPO_ROOT, 'cloudfunctions'), outDir, quiet = false } = {}) {
  const names = functionSources(functionsDir)
  for (const name of names) {
    const sourceDir = path.join(functionsDir, name)
    const targetDir = outDir ? path.join(outDir, name) : sourceDir
    fs.mkdirSync(targetDir, { recursive: true })
    await esbuild.build({
      entryPoints: [path.join(sourceDir, 'index.ts')],
      outfile: path.join(targetDir, 'index.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node16',
      external: EXTERNAL,
      sourcemap: 'inline',
      sourcesContent: false,
      legalComments: 'none',
      logLevel: 'warning',
    })
    const createdPackage = ensurePackageJson(targetDir, name)
    if (outDir && fs.existsSync(path.join(sourceDir, 'config.json'))) {
      fs.copyFileSync(path.join(sourceDir, 'config.json'), path.join(targetDir, 'config.json'))
    }
    if (!quiet) {
      const note = createdPackage && !outDir ? ` (wrote ${path.relative(REPO_ROOT, path.join(targetDir, 'package.json'))}: commit it)` : ''
      console.log(`built ${path.relative(REPO_ROOT, path.join(targetDir, 'index.js'))}${note}`)
    }
  }
  if (!quiet && names.length === 0) console.log(`no cloud functions with an index.ts under ${path.relative(REPO_ROOT, functionsDir) || '.'}`)
  return names
}

module.exports = { buildFunctions }

if (require.main === module) {
  const quiet = process.argv.includes('--quiet')
  const args = process.argv.slice(2).filter((a) => a !== '--quiet')
  const outAt = args.indexOf('--out')
  const outDir = outAt >= 0 ? path.resolve(args[outAt + 1]) : undefined
  const positional = outAt >= 0 ? args.filter((_, i) => i !== outAt && i !== outAt + 1) : args
  const functionsDir = positional[0] ? path.resolve(positional[0]) : undefined
  buildFunctions({ functionsDir, outDir, quiet }).catch((err) => {
    console.error(err.message ?? err)
    process.exit(1)
  })
}
