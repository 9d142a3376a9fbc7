import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { Clock } from './clock'
import { RoundTripCounters } from './counters'
import { CloudError } from './errors'
import { Router, parseJsonObject, readJsonObject, sendJson, sendJsonText } from './http'

export interface LocalCloudOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number
  /** Folder for the database file and stored files. */
  dataDir: string
  /** CloudBase environment id the local cloud answers as. */
  envId?: string
}

/** What an action handler learns about the SDK request it serves. */
export interface ActionCall {
  requestId: string
  /** The calling cloud function, when the call came from one (header x-local-function). */
  caller?: string
}

/** Serves one `action` of the SDK's `/admin` wire protocol; returns the reply without requestId. */
export type ActionHandler = (params: Record<string, unknown>, call: ActionCall) => Promise<object> | object

/** A `/_local/` endpoint that takes a JSON object and answers one (see `LocalCloud.addJsonEndpoint`). */
export type JsonEndpoint = (body: Record<string, unknown>) => Promise<object> | object

/** A request a function worker hands over its port: the status and JSON text HTTP would have answered. */
export interface PortReply {
  status: number
  json: string
}

/** A part of the local cloud (database, storage, functions, ...): registers actions and routes, starts and stops with it. */
export interface LocalCloudModule {
  readonly name: string
  attach(cloud: LocalCloud): void
  start?(): Promise<void> | void
  stop?(): Promise<void> | void
}

/**
 * The local cloud: one HTTP server on 127.0.0.1 speaking the @cloudbase/node-sdk wire protocol
 * at `/admin`, plus the routes its modules add (client endpoint, storage, `/_local/` controls).
 */
export class LocalCloud {
  readonly clock = new Clock()
  readonly counters = new RoundTripCounters()
  readonly router = new Router()
  readonly envId: string
  private readonly actions = new Map<string, ActionHandler>()
  private readonly jsonEndpoints = new Map<string, JsonEndpoint>()
  private readonly modules: LocalCloudModule[] = []
  private server?: http.Server
  private requestSeq = 0
  private readonly requestPrefix = randomBytes(4).toString('hex')

  constructor(readonly options: LocalCloudOptions) {
    this.envId = options.envId ?? 'local'
    this.router.add('POST', /^\/admin\/?$/, (ctx) => this.serveAdmin(ctx.req, ctx.res))
    this.router.add('GET', /^\/_local\/clock$/, ({ res }) => sendJson(res, 200, { now: this.clock.now(), offsetMs: this.clock.offset() }))
    this.router.add('POST', /^\/_local\/clock$/, async ({ req, res }) => {
      const body = await readJsonObject(req)
      if (typeof body.advanceMs === 'number') this.clock.advance(body.advanceMs)
      else if (typeof body.now === 'number') this.clock.set(body.now)
      else throw new CloudError('INVALID_PARAM', 'give {"advanceMs": n} or {"now": epochMs}', 400)
      sendJson(res, 200, { now: this.clock.now(), offsetMs: this.clock.offset() })
    })
    this.router.add('GET', /^\/_local\/counters$/, ({ res }) => sendJson(res, 200, this.counters.snapshot()))
    this.router.add('POST', /^\/_local\/counters\/reset$/, ({ res }) => {
      this.counters.reset()
      sendJson(res, 200, this.counters.snapshot())
    })
  }

  use(module: LocalCloudModule): this {
    this.modules.push(module)
    module.attach(this)
    return this
  }

  module<T extends LocalCloudModule>(name: string): T {
    const found = this.modules.find((m) => m.name === name)
    if (!found) throw new Error(`local cloud module ${name} is not attached`)
    return found as T
  }

  registerAction(action: string, handler: ActionHandler): void {
    if (this.actions.has(action)) throw new Error(`action ${action} registered twice`)
    this.actions.set(action, handler)
  }

  /**
   * A `POST <path>` endpoint taking and answering a JSON object (the simulated WeChat Pay, open
   * data, the WeChat outbox). Function workers may call it over their port as well as over HTTP
   * (`servePortRequest`), with the same answer either way.
   */
  addJsonEndpoint(path: string, handler: JsonEndpoint): void {
    if (this.jsonEndpoints.has(path)) throw new Error(`endpoint ${path} added twice`)
    this.jsonEndpoints.set(path, handler)
    const exactly = new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
    this.router.add('POST', exactly, async ({ req, res }) => sendJson(res, 200, await handler(await readJsonObject(req))))
  }

  /** The paths a function worker sends over its port rather than HTTP: the JSON endpoints (the SDK's `/admin` has its own route). */
  jsonEndpointPaths(): string[] {
    return [...this.jsonEndpoints.keys()]
  }

  /**
   * One request a function worker hands over its message port instead of HTTP (see
   * functions/port-transport.ts): `POST /admin` with the SDK's body text, or a JSON endpoint's.
   * Answered with the status and JSON text the HTTP server would have sent.
   */
  async servePortRequest(path: string, text: string, caller?: string): Promise<PortReply> {
    try {
      if (path === '/admin') return { status: 200, json: JSON.stringify(await this.dispatch(parseJsonObject(text), caller)) }
      const handler = this.jsonEndpoints.get(path)
      if (!handler) throw new CloudError('INVALID_ACTION', `no route for POST ${path}`, 404)
      return { status: 200, json: JSON.stringify(await handler(parseJsonObject(text))) }
    } catch (err) {
      return this.errorReply(err)
    }
  }

  nextRequestId(): string {
    return `${this.requestPrefix}-${++this.requestSeq}`
  }

  get port(): number {
    const address = this.server?.address() as AddressInfo | null
    if (!address) throw new Error('local cloud is not listening')
    return address.port
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(): Promise<string> {
    for (const m of this.modules) await m.start?.()
    const server = http.createServer((req, res) => void this.handle(req, res))
    server.keepAliveTimeout = 65_000
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.options.port, '127.0.0.1', () => resolve())
    })
    return this.url
  }

  /** Stops accepting requests, lets modules finish (timers, workers, database), then closes. */
  async stop(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      const force = setTimeout(() => server.closeAllConnections(), 2000)
      force.unref()
      await closed
      clearTimeout(force)
    }
    for (const m of [...this.modules].reverse()) await m.stop?.()
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    try {
      const route = this.router.match(req.method ?? 'GET', url.pathname)
      if (!route) throw new CloudError('INVALID_ACTION', `no route for ${req.method} ${url.pathname}`, 404)
      await route.handler({ req, res, url, params: route.params })
    } catch (err) {
      if (res.headersSent) {
        res.destroy()
        return
      }
      const { status, json } = this.errorReply(err)
      sendJsonText(res, status, json)
    }
  }

  /** What a route answers when it throws: a CloudError's status and code, else 500 SYS_ERR. */
  private errorReply(err: unknown): PortReply {
    if (err instanceof CloudError) return { status: err.status, json: JSON.stringify({ code: err.code, message: err.message, requestId: this.nextRequestId() }) }
    console.error('[local cloud] unexpected error', err)
    return { status: 500, json: JSON.stringify({ code: 'SYS_ERR', message: (err as Error)?.message ?? String(err), requestId: this.nextRequestId() }) }
  }

  /**
   * Serves one SDK action in-process: the reply the wire would carry, `{requestId, ...reply}` or
   * `{code, message, requestId}`. The HTTP endpoint is a thin shell over this.
   */
  async dispatch(body: Record<string, unknown>, caller?: string): Promise<Record<string, unknown>> {
    const requestId = this.nextRequestId()
    const action = body.action
    const handler = typeof action === 'string' ? this.actions.get(action) : undefined
    if (!handler) return { code: 'INVALID_ACTION', message: `unknown action ${String(action)}`, requestId }
    try {
      const reply = await handler(body, { requestId, caller })
      return { ...reply, requestId }
    } catch (err) {
      if (err instanceof CloudError) return { code: err.code, message: err.message, requestId }
      console.error(`[local cloud] ${String(action)} failed`, err)
      return { code: 'SYS_ERR', message: (err as Error)?.message ?? String(err), requestId }
    }
  }

  /** One SDK call over HTTP: always answered 200, errors in the body as the SDK expects. */
  private async serveAdmin(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readJsonObject(req)
    const caller = req.headers['x-local-function']
    sendJson(res, 200, await this.dispatch(body, typeof caller === 'string' ? caller : undefined))
  }
}
