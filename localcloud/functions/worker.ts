/**
 * One cloud function's instance: a worker thread that loads the function's built index.js and
 * runs `main(event, context)` for each invocation the main thread sends, concurrently. Before
 * loading the function it installs what makes the local run faithful and safe: the network
 * guard, the movable clock, the transaction guards on the function's own SDK copy and the route
 * of that SDK's calls to the local cloud over this thread's port.
 */
import path from 'node:path'
import { parentPort, workerData } from 'node:worker_threads'
import { MAX_BODY_BYTES } from '../http'
import { installNetworkGuard, onRefusedConnection } from '../network-guard'
import { installLocalDate, setClockOffset } from './local-date'
import type { FromWorker, ToWorker, WorkerData, WorkerFailure } from './protocol'
import { installTransactionGuards } from './sdk-guards'
import { receiveReply, routeFetchThroughPort, routeSdkThroughPort, type SendOverPort } from './port-transport'

type Handler = (event: unknown, context: unknown) => unknown

const data = workerData as WorkerData
const port = parentPort
if (!port) throw new Error('localcloud/functions/worker.ts runs only as a worker thread')

function send(message: FromWorker): void {
  port!.postMessage(message)
}

function describe(err: unknown): WorkerFailure {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    return { message: err.message, name: err.name, stack: err.stack, code: code === undefined ? undefined : String(code) }
  }
  return { message: typeof err === 'string' ? err : JSON.stringify(err) ?? String(err) }
}

// A worker's process.env is a native store behind a lock, and the SDK reads some twenty variables
// of it on every call (getCloudbaseContext): a copy answers the same at half the cost, and still
// keeps what is assigned to it as a string, as Node's does.
process.env = new Proxy({ ...process.env }, { set: (env, key, value) => Reflect.set(env, key, String(value)) })
installNetworkGuard(`function:${data.functionName}`)
onRefusedConnection((attempt) => send({ type: 'refused', attempt }))
setClockOffset(data.clockOffsetMs)
installLocalDate()
process.setSourceMapsEnabled(true)
// In a worker, process.exit() ends only this thread; abort() and a signal to our own pid would
// end the whole local cloud, so they end the thread too.
const realKill = process.kill.bind(process)
process.abort = () => process.exit(134) as never
process.kill = ((pid: number, signal?: string | number) => {
  if (pid === process.pid || pid === 0 || pid === -process.pid) process.exit(1)
  return realKill(pid, signal)
}) as typeof process.kill

/**
 * Patches the SDK copy the function itself would load, wherever it resolves from: transaction
 * guards on its @cloudbase/database, and its calls to the local cloud's /admin over this worker's
 * port (port-transport.ts).
 */
function guardFunctionSdk(functionDir: string): void {
  let databaseEntry: string
  let sdkEntry: string
  try {
    sdkEntry = require.resolve('@cloudbase/node-sdk', { paths: [functionDir] })
    databaseEntry = require.resolve('@cloudbase/database', { paths: [path.dirname(sdkEntry), functionDir] })
  } catch {
    return // the function does not use the SDK
  }
  installTransactionGuards(require(databaseEntry))
  if (cloudUrl) routeSdkThroughPort(sdkEntry, cloudUrl, overPort)
}

const cloudUrl = process.env.LOCAL_CLOUD_URL
const overPort: SendOverPort = (requestId, path, body, caller) => send({ type: 'request', requestId, path, body, caller })
// the function's fetch of the local cloud's own JSON endpoints (its local WeChat Pay and open API adapters)
if (cloudUrl) routeFetchThroughPort(cloudUrl, data.portPaths, overPort)

let handler: Handler | undefined
let loadError: WorkerFailure | undefined
try {
  guardFunctionSdk(path.dirname(data.entry))
  const loaded = require(data.entry) as { main?: unknown }
  if (typeof loaded.main !== 'function') throw new Error(`${data.entry} does not export a main(event, context) function`)
  handler = loaded.main as Handler
} catch (err) {
  loadError = describe(err)
  loadError.message = `cloud function ${data.functionName} failed to load: ${loadError.message}`
}

async function invoke(message: Extract<ToWorker, { type: 'invoke' }>): Promise<void> {
  setClockOffset(message.clockOffsetMs)
  if (!handler) {
    send({ type: 'result', callId: message.callId, ok: false, error: loadError! })
    return
  }
  try {
    const value = await handler(message.event, message.context)
    const json = JSON.stringify(value === undefined ? null : value)
    if (Buffer.byteLength(json) > MAX_BODY_BYTES) throw new Error(`the function's result exceeds CloudBase's 6 MB response limit`)
    send({ type: 'result', callId: message.callId, ok: true, json })
  } catch (err) {
    send({ type: 'result', callId: message.callId, ok: false, error: describe(err) })
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'reply') receiveReply(message.requestId, message.status, message.json)
  else if (message.type === 'clock') setClockOffset(message.clockOffsetMs)
  else if (message.type === 'invoke') void invoke(message)
})
