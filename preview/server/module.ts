/**
 * Serves the browser preview from the local cloud: `GET /` (the shell), `GET /preview/app.js`
 * and `/preview/app.css`. The build runs once, when the module starts (esbuild and wcc over
 * miniprogram/, a second or two); a build error is served as a page that says what failed,
 * the local cloud's other routes are untouched.
 */
import type { LocalCloud, LocalCloudModule } from '../../localcloud/server'
import fs from 'node:fs'
import path from 'node:path'
import { REPO_ROOT, buildPreview, type PreviewBuild } from '../build/bundle'

export class PreviewModule implements LocalCloudModule {
  readonly name = 'preview'
  private build?: Promise<PreviewBuild>
  private builtFrom = 0

  attach(cloud: LocalCloud): void {
    const serve = (type: string, pick: (b: PreviewBuild) => string) =>
      async ({ res }: { res: import('node:http').ServerResponse }) => {
        let body: string
        let status = 200
        try {
          body = pick(await this.built())
        } catch (err) {
          status = 500
          body = type.startsWith('text/html') ? `<!doctype html><meta charset="utf-8"><h1>The preview did not build</h1><pre>${escapeHtml(String((err as Error)?.message ?? err))}</pre>` : `/* preview build failed: ${String((err as Error)?.message ?? err).replace(/\*\//g, '* /')} */`
        }
        res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' })
        res.end(body)
      }
    cloud.router.add('GET', /^\/(?:index\.html)?$/, (ctx) => {
      // an edited page shows on the next reload
      if (this.build && latestChange() > this.builtFrom) this.build = undefined
      return serve('text/html; charset=utf-8', (b) => b.html)(ctx)
    })
    cloud.router.add('GET', /^\/preview\/app\.js$/, serve('text/javascript; charset=utf-8', (b) => b.js))
    cloud.router.add('GET', /^\/preview\/app\.css$/, serve('text/css; charset=utf-8', (b) => b.css))
  }

  start(): void {
    void this.built().catch(() => undefined)
  }

  /** The build, made once (and again after a failure, so fixing a page and reloading works). */
  built(): Promise<PreviewBuild> {
    if (!this.build) {
      this.builtFrom = latestChange()
      this.build = buildPreview()
      this.build.catch(() => {
        this.build = undefined
      })
    }
    return this.build
  }
}

const WATCHED = ['miniprogram', 'preview/runtime', 'preview/shell', 'typings'].map((dir) => path.join(REPO_ROOT, dir))

/** The newest modification time of the sources the preview is built from. */
function latestChange(): number {
  let latest = 0
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'miniprogram_npm') continue
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else latest = Math.max(latest, fs.statSync(full).mtimeMs)
    }
  }
  for (const dir of WATCHED) if (fs.existsSync(dir)) walk(dir)
  return latest
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string)
}
