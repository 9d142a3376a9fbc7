/**
 * The browser preview's entry: installs the mini program's globals (wx, App, Page, Component,
 * getApp, getCurrentPages), draws the phone and the panels beside it, evaluates app.ts, and
 * launches the app with the session's launch options.
 */
import type { ModuleLoaders, PreviewManifest, Templates } from './manifest'
import { installConstructors, initRegistry } from './registry'
import { initRouter, currentPages, reLaunch } from './router'
import { createWx } from './wx'
import { initOverlays } from './overlays'
import { loadSession, launchOptions } from './session'
import { registerBuiltins } from './builtins'
import { drawShell } from './shell'
import { setTransportTarget } from '../../miniprogram/services/transport'

type AppOptions = Record<string, unknown> & { onLaunch?: (o: unknown) => void; onShow?: (o: unknown) => void }

export function boot(manifest: PreviewManifest, loaders: ModuleLoaders, templates: Templates): void {
  const pages = (manifest.app.pages as string[] | undefined) ?? []
  const entryPage = String(manifest.app.entryPagePath ?? pages[0] ?? manifest.pages[0]?.route ?? '')
  const { identity } = loadSession(entryPage)
  // the transport's local mode, aimed at the local cloud serving this page, as the chosen identity
  setTransportTarget({ localCloudUrl: location.origin, openid: identity.openid })
  const g = globalThis as unknown as Record<string, unknown>
  g.wx = createWx()
  let app: AppOptions = {}
  g.App = (options: AppOptions) => {
    app = options
  }
  g.getApp = () => app
  g.getCurrentPages = currentPages
  installConstructors()
  registerBuiltins()
  initRegistry(manifest, loaders, templates)
  const screen = drawShell(manifest)
  initOverlays(screen.screen)
  initRouter(manifest, screen)
  loaders.app?.()
  const launch = launchOptions()
  const options = { path: launch.path, query: launch.query, scene: launch.scene, shareTicket: launch.shareTicket, referrerInfo: launch.referrerInfo ?? {}, forwardMaterials: [], chatType: launch.shareTicket ? 2 : launch.scene === 1007 ? 1 : undefined }
  // App.onLaunch, then App.onShow, then the first page, as WeChat orders them
  try {
    app.onLaunch?.call(app, options)
    app.onShow?.call(app, options)
  } catch (err) {
    console.error('[preview] App launch hooks', err)
  }
  const query = new URLSearchParams(launch.query).toString()
  const exists = manifest.pages.some((p) => p.route === launch.path)
  const route = exists ? launch.path : entryPage
  reLaunch(`/${route}${exists && query ? `?${query}` : ''}`)
  document.body.dataset.ready = 'true'
}
