import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { CloudError, type LocalCloudErrorCode } from '../errors'
import type { RefusedConnection } from '../network-guard'
import type { FunctionDefinition } from './catalog'
import type { PortReply } from '../server'
import type { FromWorker, FunctionContext, ToWorker, WorkerData, WorkerFailure } from './protocol'

/** A failed invocation: CloudBase's functions error code, plus what the function threw when it threw. */
export class FunctionCallError extends CloudError {
  constructor(
    code: Extract<LocalCloudErrorCode, 'FUNCTIONS_NOT_EXIST' | 'FUNCTIONS_EXECUTE_FAIL' | 'FUNCTIONS_TIME_LIMIT_EXCEEDED'>,
    message: string,
    readonly functionName: string,
    /** The error the function's code threw or rejected with, as the worker described it. */
    readonly thrown?: WorkerFailure,
  ) {
    super(code, message)
    this.name = 'FunctionCallError'
  }
}

const WORKER_SOURCE = path.join(__dirname, `worker${path.extname(__filename) || '.js'}`)
let workerCode: string | undefined

/**
 * The worker's code. From TypeScript sources (tsx, jest) it is bundled once per process with
 * esbuild, packages left external, so a worker starts as fast as plain Node and function code
 * runs without any TypeScript hook, as on CloudBase.
 */
function bootstrapCode(): string {
  if (workerCode) return workerCode
  if (!WORKER_SOURCE.endsWith('.ts')) return (workerCode = `require(${JSON.stringify(WORKER_SOURCE)})`)
  const esbuild = createRequire(__filename)('esbuild') as typeof import('esbuild')
  const bundle = esbuild.buildSync({ entryPoints: [WORKER_SOURCE], bundle: true, packages: 'external', platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' })
  return (workerCode = bundle.outputFiles[0].text)
}

interface PendingCall {
  resolve(json: string): void
  reject(error: FunctionCallError): void
  timer: NodeJS.Timeout
}

/** One worker thread and the calls it is running. */
interface Generation {
  worker: Worker
  pending: Map<number, PendingCall>
  entryMtimeMs: number
  exited: boolean
}

export interface InstanceOptions {
  /** Environment of the worker (process-wide settings only, never a caller's identity). */
  env: () => Record<string, string>
  clockOffsetMs: () => number
  onRefused: (attempt: RefusedConnection) => void
  /** Serves a request the function sent over its port (LocalCloud.servePortRequest, which never rejects). */
  servePortRequest: (path: string, body: string, caller: string | undefined) => Promise<PortReply>
  /** The paths the function's fetch sends over its port (LocalCloud.jsonEndpointPaths). */
  portPaths: () => string[]
}

/**
 * A cloud function's local instance: one worker thread, spawned on the first call and reused,
 * running concurrent calls side by side. Whatever the function does (throw, hang, spin,
 * process.exit), the caller gets an answer and the next call gets a fresh worker if needed.
 */
export class FunctionInstance {
  private current?: Generation
  private callSeq = 0

  constructor(
    readonly definition: FunctionDefinition,
    private readonly options: InstanceOptions,
  ) {}

  get inFlight(): number {
    return this.current?.pending.size ?? 0
  }

  get running(): boolean {
    return this.current !== undefined && !this.current.exited
  }

  /** Runs one call; resolves with the JSON of what `main` returned, rejects with a FunctionCallError. */
  invoke(event: unknown, context: FunctionContext): Promise<string> {
    const generation = this.generation()
    const callId = ++this.callSeq
    const timeoutMs = this.definition.timeoutSeconds * 1000
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!generation.pending.delete(callId)) return
        reject(this.error('FUNCTIONS_TIME_LIMIT_EXCEEDED', `Invoking task timed out after ${this.definition.timeoutSeconds} seconds`))
        // A call that overran may be spinning synchronously: only ending the thread stops it.
        this.end(generation, `the instance was restarted because call ${context.request_id} timed out`)
      }, timeoutMs)
      generation.pending.set(callId, { resolve, reject, timer })
      const message: ToWorker = { type: 'invoke', callId, event, context, clockOffsetMs: this.options.clockOffsetMs() }
      generation.worker.postMessage(message)
    })
  }

  /** Tells a running worker the clock moved. */
  syncClock(): void {
    if (this.current && !this.current.exited) {
      const message: ToWorker = { type: 'clock', clockOffsetMs: this.options.clockOffsetMs() }
      this.current.worker.postMessage(message)
    }
  }

  /** Ends the worker; calls still running fail with FUNCTIONS_EXECUTE_FAIL and `reason`. */
  async stop(reason = 'the local cloud is stopping'): Promise<void> {
    const generation = this.current
    if (generation) await this.end(generation, reason)
  }

  private error(code: ConstructorParameters<typeof FunctionCallError>[0], message: string, thrown?: WorkerFailure): FunctionCallError {
    return new FunctionCallError(code, message, this.definition.name, thrown)
  }

  private entryMtime(): number {
    try {
      return fs.statSync(this.definition.entry).mtimeMs
    } catch {
      return 0
    }
  }

  /** The live worker, or a new one when there is none or index.js was rebuilt since it started. */
  private generation(): Generation {
    const mtime = this.entryMtime()
    const current = this.current
    if (current && !current.exited && current.entryMtimeMs === mtime) return current
    if (current && !current.exited) this.retire(current)
    const data: WorkerData = { functionName: this.definition.name, entry: this.definition.entry, clockOffsetMs: this.options.clockOffsetMs(), portPaths: this.options.portPaths() }
    const worker = new Worker(bootstrapCode(), {
      eval: true,
      execArgv: [],
      env: this.options.env(),
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: Math.max(this.definition.memoryMb, 128) },
    })
    worker.unref()
    const generation: Generation = { worker, pending: new Map(), entryMtimeMs: mtime, exited: false }
    worker.on('message', (message: FromWorker) => this.receive(generation, message))
    worker.on('error', (err) => this.failAll(generation, `the function crashed: ${err.message}`, { message: err.message, name: err.name, stack: err.stack }))
    worker.on('exit', (code) => {
      generation.exited = true
      this.failAll(generation, `the function's instance exited (code ${code}) before answering: process.exit() or a crash`)
      if (this.current === generation) this.current = undefined
    })
    this.current = generation
    return generation
  }

  /** Lets an outdated worker finish its calls, then ends it. */
  private retire(generation: Generation): void {
    if (this.current === generation) this.current = undefined
    if (generation.pending.size === 0) void generation.worker.terminate()
    else generation.worker.once('message', () => this.retireWhenIdle(generation))
  }

  private retireWhenIdle(generation: Generation): void {
    if (generation.pending.size === 0) void generation.worker.terminate()
    else generation.worker.once('message', () => this.retireWhenIdle(generation))
  }

  private receive(generation: Generation, message: FromWorker): void {
    if (message.type === 'refused') {
      this.options.onRefused(message.attempt)
      return
    }
    if (message.type === 'request') {
      this.servePortRequest(generation, message)
      return
    }
    const call = generation.pending.get(message.callId)
    if (!call) return
    generation.pending.delete(message.callId)
    clearTimeout(call.timer)
    if (message.ok) call.resolve(message.json)
    else call.reject(this.error('FUNCTIONS_EXECUTE_FAIL', `${message.error.name ?? 'Error'}: ${message.error.message}`, message.error))
  }

  private servePortRequest(generation: Generation, message: Extract<FromWorker, { type: 'request' }>): void {
    this.options.servePortRequest(message.path, message.body, message.caller).then(({ status, json }) => {
      if (generation.exited) return
      const reply: ToWorker = { type: 'reply', requestId: message.requestId, status, json }
      generation.worker.postMessage(reply)
    })
  }

  private failAll(generation: Generation, reason: string, thrown?: WorkerFailure): void {
    for (const [callId, call] of generation.pending) {
      generation.pending.delete(callId)
      clearTimeout(call.timer)
      call.reject(this.error('FUNCTIONS_EXECUTE_FAIL', reason, thrown))
    }
  }

  private async end(generation: Generation, reason: string): Promise<void> {
    if (this.current === generation) this.current = undefined
    this.failAll(generation, reason)
    if (!generation.exited) await generation.worker.terminate()
  }
}
