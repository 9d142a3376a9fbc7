import fs from 'node:fs'
import type { IncomingMessage } from 'node:http'
import path from 'node:path'
import { CloudError } from '../errors'
import { readJsonObject, sendJson } from '../http'
import { isNetworkGuardInstalled, recordRefusedConnection, refusedConnections, resetRefusedConnections } from '../network-guard'
import type { LocalCloud, LocalCloudModule } from '../server'
import { discoverFunctions, readFunction, type FunctionDefinition } from './catalog'
import { FunctionCallError, FunctionInstance } from './instance'
import type { FunctionContext } from './protocol'
import { TimerTriggers, type TimerEvent } from './timers'

export { FunctionCallError } from './instance'
export type { FunctionContext } from './protocol'

/** The mini program's appid in local calls that do not name one. */
export const LOCAL_APPID = 'wx0000000000000000'

/** Who a call comes from, as CloudBase's TCB_SOURCE names it (chained sources are comma-joined). */
export type CallSource = 'wx_client' | 'wx_devtools' | 'wx_http' | 'wx_trigger' | 'wx_paycallback' | 'scf' | (string & {})

/** The caller of one invocation: becomes the call's `context.environment`, never process-wide state. */
export interface InvokeCaller {
  openid?: string
  /** Defaults to LOCAL_APPID for WeChat-originated sources (wx_client, wx_devtools, wx_paycallback). */
  appid?: string
  unionid?: string
  /** TCB_SOURCE; default `wx_client`. */
  source?: CallSource
  /** Extra context keys (e.g. a forged or payment-callback context); they override the defaults. */
  environment?: Record<string, string>
}

export interface FunctionsModuleOptions {
  /** Folder whose `<name>/index.js` are the functions (cloudfunctions/, or a test fixture folder). */
  functionsDir: string
  /** Fire timer triggers from each function's config.json (LOCAL_TIMERS=0 turns them off). */
  timers?: boolean
}

/** WeChat's errCode values for `wx.cloud.callFunction` failures. */
const WX_ERRCODE = { invalidParam: -401002, functionNotFound: -501000, functionFailed: -504002 } as const

const WX_SOURCES = new Set(['wx_client', 'wx_devtools', 'wx_paycallback'])

/** Keys a worker must not inherit: on CloudBase they describe one call, so they travel in the context. */
const PER_CALL_ENV = /^(WX_|TCB_|SCF_|TENCENTCLOUD_)/

/** Why a function's built index.js may not be what its index.ts says, if it may not. */
function buildStaleness(definition: FunctionDefinition): string | undefined {
  if (!definition.hasSource) return undefined
  if (!fs.existsSync(definition.entry)) return 'index.ts has no built index.js'
  const source = fs.statSync(path.join(definition.dir, 'index.ts')).mtimeMs
  return source > fs.statSync(definition.entry).mtimeMs ? 'index.ts is newer than its built index.js' : undefined
}

/**
 * The functions runtime: runs each cloud function's built index.js in its own worker thread,
 * with CloudBase's per-call context, behind the client endpoint (`POST /functions/<name>`),
 * the SDK's `functions.invokeFunction`, timer triggers and an in-process `invoke` for tests.
 */
export class FunctionsModule implements LocalCloudModule {
  readonly name = 'functions'
  private cloud?: LocalCloud
  private readonly definitions = new Map<string, FunctionDefinition>()
  private readonly instances = new Map<string, FunctionInstance>()
  private timers?: TimerTriggers
  private unsubscribeClock?: () => void

  constructor(readonly options: FunctionsModuleOptions) {}

  attach(cloud: LocalCloud): void {
    this.cloud = cloud
    cloud.registerAction('functions.invokeFunction', (params) => this.serveSdkInvoke(params))
    cloud.router.add('POST', /^\/functions\/([^/]+)\/?$/, async ({ req, res, params }) => {
      const { status, body, requestId } = await this.serveClientCall(params[0], req)
      if (requestId) res.setHeader('x-request-id', requestId)
      sendJson(res, status, body)
    })
    cloud.router.add('GET', /^\/_local\/functions\/?$/, ({ res }) => sendJson(res, 200, this.describe()))
    cloud.router.add('GET', /^\/_local\/network\/?$/, ({ res }) => sendJson(res, 200, { guardInstalled: isNetworkGuardInstalled(), refused: refusedConnections() }))
    cloud.router.add('POST', /^\/_local\/network\/reset$/, ({ res }) => {
      resetRefusedConnections()
      sendJson(res, 200, { guardInstalled: isNetworkGuardInstalled(), refused: [] })
    })
  }

  start(): void {
    const cloud = this.requireCloud()
    for (const definition of discoverFunctions(this.options.functionsDir)) {
      this.definitions.set(definition.name, definition)
      const staleness = buildStaleness(definition)
      if (staleness) console.warn(`[functions] ${definition.name}: ${staleness}: run \`npm run build\``)
    }
    this.unsubscribeClock = cloud.clock.onChange(() => {
      for (const instance of this.instances.values()) instance.syncClock()
    })
    if (this.options.timers !== false) {
      this.timers = new TimerTriggers(cloud.clock, (functionName, event) => this.fireTimer(functionName, event))
      this.timers.start([...this.definitions.values()])
    }
  }

  async stop(): Promise<void> {
    this.timers?.stop()
    this.timers = undefined
    this.unsubscribeClock?.()
    await Promise.all([...this.instances.values()].map((instance) => instance.stop()))
    this.instances.clear()
  }

  /** Names of the functions found at start (and any added since and called). */
  functionNames(): string[] {
    return [...this.definitions.keys()].sort()
  }

  /**
   * Runs function `name` in-process with any caller (a shopper, WeChat's payment callback, a
   * forged context): resolves with what `main` returned (JSON round-tripped, as on CloudBase),
   * rejects with a FunctionCallError (FUNCTIONS_NOT_EXIST / _EXECUTE_FAIL / _TIME_LIMIT_EXCEEDED).
   */
  async invoke(name: string, event: unknown = {}, caller: InvokeCaller = {}): Promise<unknown> {
    const { json } = await this.run(name, event, caller)
    return JSON.parse(json) as unknown
  }

  private requireCloud(): LocalCloud {
    if (!this.cloud) throw new Error('the functions module is not attached to a local cloud')
    return this.cloud
  }

  private definition(name: string): FunctionDefinition {
    let definition = this.definitions.get(name)
    if (!definition) {
      // A function folder added while the server runs is picked up on its first call.
      definition = readFunction(this.options.functionsDir, name)
      if (!definition) throw new FunctionCallError('FUNCTIONS_NOT_EXIST', `cloud function ${name} does not exist in ${this.options.functionsDir}`, name)
      this.definitions.set(name, definition)
    }
    return definition
  }

  private instance(definition: FunctionDefinition): FunctionInstance {
    let instance = this.instances.get(definition.name)
    if (!instance) {
      instance = new FunctionInstance(definition, {
        env: () => this.workerEnv(definition.name),
        clockOffsetMs: () => this.requireCloud().clock.offset(),
        onRefused: (attempt) => recordRefusedConnection(attempt),
        servePortRequest: (urlPath, body, caller) => this.requireCloud().servePortRequest(urlPath, body, caller),
        portPaths: () => this.requireCloud().jsonEndpointPaths(),
      })
      this.instances.set(definition.name, instance)
    }
    return instance
  }

  /** Process-wide settings of a function's worker: where the local cloud is, never who calls. */
  private workerEnv(functionName: string): Record<string, string> {
    const cloud = this.requireCloud()
    const env: Record<string, string> = {}
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && !PER_CALL_ENV.test(key)) env[key] = value
    }
    return {
      ...env,
      LOCAL_CLOUD_URL: cloud.url,
      LOCAL_CLOUD_ENV: cloud.envId,
      LOCAL_FUNCTION_NAME: functionName,
      // Tells the SDK it is on Tencent Cloud, so it never probes metadata.tencentyun.com.
      TENCENTCLOUD: 'true',
      SCF_NAMESPACE: cloud.envId,
    }
  }

  /** The context CloudBase would pass this call: identity lives only here, per call. */
  private contextFor(definition: FunctionDefinition, requestId: string, caller: InvokeCaller): FunctionContext {
    const cloud = this.requireCloud()
    const source = caller.source ?? 'wx_client'
    const fromWeChat = WX_SOURCES.has(source.split(',')[0])
    const environment: Record<string, string> = {
      WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP',
      TCB_CONTEXT_KEYS: 'TCB_ENV,TCB_SEQID,TCB_SOURCE',
      TCB_ENV: cloud.envId,
      SCF_NAMESPACE: cloud.envId,
      TCB_SEQID: requestId,
      TCB_SOURCE: source,
    }
    if (caller.openid) environment.WX_OPENID = caller.openid
    const appid = caller.appid ?? (fromWeChat ? LOCAL_APPID : undefined)
    if (appid) environment.WX_APPID = appid
    if (caller.unionid) environment.WX_UNIONID = caller.unionid
    if (fromWeChat) environment.WX_CLIENTIP = '127.0.0.1'
    Object.assign(environment, caller.environment)
    return {
      request_id: requestId,
      function_name: definition.name,
      function_version: '$LATEST',
      namespace: cloud.envId,
      memory_limit_in_mb: definition.memoryMb,
      time_limit_in_ms: definition.timeoutSeconds * 1000,
      environment: JSON.stringify(environment),
    }
  }

  private async run(name: string, event: unknown, caller: InvokeCaller): Promise<{ json: string; requestId: string }> {
    const definition = this.definition(name)
    if (!fs.existsSync(definition.entry)) {
      throw new FunctionCallError('FUNCTIONS_EXECUTE_FAIL', `cloud function ${name} has index.ts but no built index.js: run \`npm run build\``, name)
    }
    const requestId = this.requireCloud().nextRequestId()
    // CloudBase hands the function a JSON event; so do we, whatever the in-process caller passed.
    const jsonEvent = JSON.parse(JSON.stringify(event ?? {})) as unknown
    try {
      const json = await this.instance(definition).invoke(jsonEvent, this.contextFor(definition, requestId, caller))
      return { json, requestId }
    } catch (err) {
      if (err instanceof FunctionCallError) console.warn(`[functions] ${name} (${requestId}) failed: ${err.code} ${err.message}`)
      throw err
    }
  }

  /** `POST /functions/<name>`: the mini program's local `wx.cloud.callFunction`, answered as WeChat would. */
  private async serveClientCall(name: string, req: IncomingMessage): Promise<{ status: number; body: object; requestId?: string }> {
    let data: Record<string, unknown>
    try {
      data = await readJsonObject(req)
    } catch (err) {
      if (err instanceof CloudError) return { status: err.status, body: { errCode: WX_ERRCODE.invalidParam, errMsg: `cloud.callFunction:fail ${err.message}` } }
      throw err
    }
    const header = (key: string) => {
      const value = req.headers[key]
      return typeof value === 'string' && value !== '' ? value : undefined
    }
    const caller: InvokeCaller = { openid: header('x-wx-openid'), appid: header('x-wx-appid'), unionid: header('x-wx-unionid'), source: 'wx_client' }
    try {
      const { json, requestId } = await this.run(name, data, caller)
      return { status: 200, body: { result: JSON.parse(json) as unknown }, requestId }
    } catch (err) {
      if (!(err instanceof FunctionCallError)) throw err
      if (err.code === 'FUNCTIONS_NOT_EXIST') {
        return { status: 404, body: { errCode: WX_ERRCODE.functionNotFound, errMsg: `cloud.callFunction:fail FunctionName parameter could not be found: ${err.message}` } }
      }
      return { status: 500, body: { errCode: WX_ERRCODE.functionFailed, errMsg: `cloud.callFunction:fail functions execute fail | ${err.message}` } }
    }
  }

  /** The SDK's `functions.invokeFunction` (a function calling a function): the callee sees source `scf` and no openid. */
  private async serveSdkInvoke(params: Record<string, unknown>): Promise<object> {
    const name = params.function_name
    if (typeof name !== 'string' || name === '') throw new CloudError('INVALID_PARAM', 'function_name must be a non-empty string')
    const raw = params.request_data
    let event: unknown = {}
    if (typeof raw === 'string' && raw !== '') {
      try {
        event = JSON.parse(raw)
      } catch {
        throw new CloudError('INVALID_PARAM', 'request_data is not valid JSON')
      }
    } else if (raw !== undefined && raw !== '') {
      throw new CloudError('INVALID_PARAM', 'request_data must be a JSON string')
    }
    const { json } = await this.run(name, event, { source: 'scf' })
    return { data: { response_data: json } }
  }

  private fireTimer(functionName: string, event: TimerEvent): void {
    this.run(functionName, event, { source: 'wx_trigger' }).catch(() => {
      // run() already logged the failure; a timer has no caller to answer.
    })
  }

  private describe(): object {
    return {
      functionsDir: this.options.functionsDir,
      timers: this.timers !== undefined,
      functions: [...this.definitions.values()].map((definition) => ({
        name: definition.name,
        built: fs.existsSync(definition.entry),
        timeoutSeconds: definition.timeoutSeconds,
        memoryMb: definition.memoryMb,
        running: this.instances.get(definition.name)?.running ?? false,
        inFlight: this.instances.get(definition.name)?.inFlight ?? 0,
        triggers: definition.triggers.map((trigger) => {
          const next = this.timers?.nextFiring(definition.name, trigger.name)
          return { name: trigger.name, type: 'timer', config: trigger.config, nextFireAt: next === undefined ? null : new Date(next).toISOString() }
        }),
      })),
    }
  }
}
