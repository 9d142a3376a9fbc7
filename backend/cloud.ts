import tcb from '@cloudbase/node-sdk'

/** The SDK app every cloud function talks to its database, storage and other functions through. */
export type CloudApp = ReturnType<typeof tcb.init>

/** The context a cloud function's `main(event, context)` receives from the platform. */
export type FunctionContext = NonNullable<Parameters<typeof tcb.getCloudbaseContext>[0]>

/** Who made one call, as the platform vouches for it (never as the event claims). */
export interface Caller {
  /** The WeChat user's openid; absent for timers, function-to-function calls and Moments single-page mode. */
  openid?: string
  appid?: string
  unionid?: string
  /** TCB_SOURCE: `wx_client`, `wx_paycallback`, `wx_trigger`, `scf`, ... (chained sources are comma-joined). */
  source?: string
  /** The CloudBase environment id the call runs in. */
  env?: string
}

let app: CloudApp | undefined

/**
 * The one SDK app of this process: on CloudBase, the function's own environment; under the
 * local cloud (LOCAL_CLOUD_URL set by its runtime), the local server, with requests labelled
 * by function name and the cloud-metadata probe switched off. Created once, then reused.
 */
export function cloudApp(): CloudApp {
  if (app) return app
  const localCloudUrl = process.env.LOCAL_CLOUD_URL
  if (localCloudUrl) {
    // The SDK probes metadata.tencentyun.com to learn whether it runs on Tencent Cloud unless told so.
    process.env.TENCENTCLOUD = 'true'
    app = tcb.init({
      env: process.env.LOCAL_CLOUD_ENV || 'local',
      secretId: 'local',
      secretKey: 'local',
      serviceUrl: `${localCloudUrl.replace(/\/$/, '')}/admin`,
      headers: { 'x-local-function': process.env.LOCAL_FUNCTION_NAME ?? '' },
    })
  } else {
    app = tcb.init({ env: tcb.SYMBOL_CURRENT_ENV })
  }
  return app
}

/** Reads the caller of this call from the platform context; the same code works on CloudBase and locally. */
export function callerOf(context: FunctionContext): Caller {
  const platform = tcb.getCloudbaseContext(context)
  return {
    openid: platform.WX_OPENID || undefined,
    appid: platform.WX_APPID || undefined,
    unionid: platform.WX_UNIONID || undefined,
    source: platform.TCB_SOURCE || undefined,
    env: platform.TCB_ENV || platform.SCF_NAMESPACE || undefined,
  }
}

/** Whether the platform says this call came from `source` (TCB_SOURCE may chain several, comma-joined: `wx_client,scf`). */
export function calledFrom(context: FunctionContext, source: string): boolean {
  let sources = ''
  try {
    sources = callerOf(context).source ?? ''
  } catch {
    sources = ''
  }
  return sources.split(',').includes(source)
}

/** A timer trigger's event, as the platform vouches for it (a client could send `{Type: 'Timer'}` itself). */
export function isTimerCall(event: unknown, context: FunctionContext): boolean {
  return typeof event === 'object' && event !== null && (event as { Type?: unknown }).Type === 'Timer' && calledFrom(context, 'wx_trigger')
}
