import type { RefusedConnection } from '../network-guard'

/** The context CloudBase passes as `main`'s second argument (what `getCloudbaseContext(context)` parses). */
export interface FunctionContext {
  request_id: string
  function_name: string
  function_version: string
  namespace: string
  memory_limit_in_mb: number
  time_limit_in_ms: number
  /** JSON object of the call's identity keys (WX_OPENID, TCB_SOURCE, ...). */
  environment: string
}

/** What the worker is told once, when it starts. */
export interface WorkerData {
  functionName: string
  /** Absolute path of the built `index.js`. */
  entry: string
  clockOffsetMs: number
  /** The local cloud's JSON endpoints the function's `fetch` reaches over the port (LocalCloud.jsonEndpointPaths). */
  portPaths: string[]
}

export type ToWorker =
  | { type: 'invoke'; callId: number; event: unknown; context: FunctionContext; clockOffsetMs: number }
  | { type: 'clock'; clockOffsetMs: number }
  /** The local cloud's answer to a `request` message: the HTTP status and JSON text the route would have sent. */
  | { type: 'reply'; requestId: number; status: number; json: string }

export interface WorkerFailure {
  message: string
  name?: string
  code?: string
  stack?: string
}

export type FromWorker =
  | { type: 'result'; callId: number; ok: true; json: string }
  | { type: 'result'; callId: number; ok: false; error: WorkerFailure }
  | { type: 'refused'; attempt: RefusedConnection }
  /**
   * A POST the function made to the local cloud itself (port-transport.ts): the SDK's call to
   * `/admin` with its x-local-function header, or a fetch of a JSON endpoint; the body text.
   */
  | { type: 'request'; requestId: number; path: string; body: string; caller?: string }
