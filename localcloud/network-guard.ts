import dns from 'node:dns'
import { syncBuiltinESMExports } from 'node:module'
import net from 'node:net'
import { promisify } from 'node:util'

/** One outbound attempt the guard refused. */
export interface RefusedConnection {
  /** Host name or address the code tried to reach. */
  host: string
  port?: number
  /** The entry point that was refused: a socket connect or a name lookup. */
  via: 'net.connect' | 'dns.lookup' | 'dns.resolve'
  /** Where it happened: `server` or `function:<name>` (workers forward their refusals). */
  origin: string
  at: string
}

/** Error code of the error a refused attempt fails with. */
export const OUTBOUND_REFUSED = 'ELOCALCLOUD_OUTBOUND_REFUSED'

const refused: RefusedConnection[] = []
const listeners = new Set<(attempt: RefusedConnection) => void>()
let installed = false
let origin = 'server'

/** True for names and addresses that stay on this machine: localhost, 127.0.0.0/8 and ::1. */
export function isLoopbackHost(host: string | undefined | null): boolean {
  if (host === undefined || host === null || host === '') return true // net's default host is localhost
  let h = host.trim().toLowerCase()
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1)
  if (h === 'localhost' || h.endsWith('.localhost')) return true
  if (h.startsWith('::ffff:')) h = h.slice('::ffff:'.length)
  if (net.isIPv4(h)) return h.split('.')[0] === '127'
  if (net.isIPv6(h)) return /^(0{0,4}:){1,7}0{0,3}1$|^::1$/.test(h)
  return false
}

function record(attempt: Omit<RefusedConnection, 'origin' | 'at'>): Error {
  const entry: RefusedConnection = { ...attempt, origin, at: new Date().toISOString() }
  recordRefusedConnection(entry)
  const where = attempt.port === undefined ? attempt.host : `${attempt.host}:${attempt.port}`
  const error = new Error(`local cloud network guard refused an outbound connection to ${where}: nothing may leave 127.0.0.1`)
  Object.assign(error, { code: OUTBOUND_REFUSED, hostname: attempt.host })
  return error
}

/** Adds an attempt to this process's record (workers' refusals are forwarded here) and tells the listeners. */
export function recordRefusedConnection(entry: RefusedConnection): void {
  refused.push(entry)
  for (const listener of listeners) listener(entry)
}

/** Every attempt refused since the last reset, oldest first. */
export function refusedConnections(): RefusedConnection[] {
  return refused.map((entry) => ({ ...entry }))
}

/** Forgets the refused attempts recorded so far. */
export function resetRefusedConnections(): void {
  refused.length = 0
}

/** Calls `listener` for each refused attempt from now on; returns the unsubscribe function. */
export function onRefusedConnection(listener: (attempt: RefusedConnection) => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function isNetworkGuardInstalled(): boolean {
  return installed
}

interface ConnectTarget {
  host?: string
  port?: number
  ipc: boolean
}

/** Reads the target of any of `socket.connect`'s call forms (net.connect passes a pre-normalised array). */
function connectTarget(args: unknown[]): ConnectTarget {
  let first = args[0]
  if (Array.isArray(first)) first = first[0]
  if (first !== null && typeof first === 'object') {
    const options = first as { host?: string; port?: number | string; path?: string }
    if (options.path) return { ipc: true }
    return { host: options.host, port: options.port === undefined ? undefined : Number(options.port), ipc: false }
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { port: Number(first), host: typeof args[1] === 'string' ? args[1] : undefined, ipc: false }
  }
  if (typeof first === 'string') return { ipc: true }
  return { ipc: false }
}

function lookupCallback(args: unknown[]): ((err: Error | null, ...rest: unknown[]) => void) | undefined {
  const last = args[args.length - 1]
  return typeof last === 'function' ? (last as (err: Error | null) => void) : undefined
}

/**
 * Guarantees that, in this process or worker, no connection leaves the machine: any socket
 * connect or name lookup for a host other than localhost/127.0.0.0/8/::1 fails (as a
 * connection error would) and is recorded, before any packet or DNS query is sent.
 * Idempotent; `originName` labels the record (a worker passes its function's name).
 */
export function installNetworkGuard(originName = 'server'): void {
  origin = originName
  if (installed) return
  installed = true

  const realConnect = net.Socket.prototype.connect
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = connectTarget(args)
    if (!target.ipc && !isLoopbackHost(target.host)) {
      const error = record({ host: target.host ?? '', port: target.port, via: 'net.connect' })
      process.nextTick(() => this.destroy(error))
      return this
    }
    return (realConnect as (...a: unknown[]) => net.Socket).apply(this, args)
  } as typeof net.Socket.prototype.connect

  /** A callback-style dns function that refuses (and records) any name that is not loopback. */
  const refuseOffBox = (real: unknown, via: 'dns.lookup' | 'dns.resolve') =>
    function (this: unknown, hostname: string, ...rest: unknown[]) {
      if (!isLoopbackHost(hostname)) {
        const error = record({ host: String(hostname), via })
        const callback = lookupCallback(rest)
        if (callback) process.nextTick(() => callback(error))
        else throw error
        return undefined
      }
      return (real as (...a: unknown[]) => unknown).call(this, hostname, ...rest)
    }

  const guardedLookup = refuseOffBox(dns.lookup, 'dns.lookup')
  // util.promisify(dns.lookup) must keep resolving to {address, family}, through the guard.
  Object.defineProperty(guardedLookup, promisify.custom, { value: (hostname: string, options?: dns.LookupOptions) => dns.promises.lookup(hostname, options ?? {}) })
  dns.lookup = guardedLookup as typeof dns.lookup

  const realPromisesLookup = dns.promises.lookup
  dns.promises.lookup = async function (hostname: string, ...rest: unknown[]) {
    if (!isLoopbackHost(hostname)) throw record({ host: String(hostname), via: 'dns.lookup' })
    return (realPromisesLookup as (...a: unknown[]) => Promise<unknown>)(hostname, ...rest)
  } as typeof dns.promises.lookup

  // resolve* send queries to the configured name servers, which are off this machine.
  const resolvers = dns as unknown as Record<string, unknown>
  const promiseResolvers = dns.promises as unknown as Record<string, unknown>
  for (const name of Object.keys(resolvers).filter((key) => key.startsWith('resolve') || key === 'reverse')) {
    const real = resolvers[name]
    if (typeof real !== 'function') continue
    resolvers[name] = refuseOffBox(real, 'dns.resolve')
  }
  for (const name of Object.keys(promiseResolvers).filter((key) => key.startsWith('resolve') || key === 'reverse')) {
    const real = promiseResolvers[name]
    if (typeof real !== 'function') continue
    promiseResolvers[name] = async function (hostname: string, ...rest: unknown[]) {
      if (!isLoopbackHost(hostname)) throw record({ host: String(hostname), via: 'dns.resolve' })
      return (real as (...a: unknown[]) => Promise<unknown>)(hostname, ...rest)
    }
  }
  syncBuiltinESMExports()
}
