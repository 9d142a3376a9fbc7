import type { IncomingMessage, ServerResponse } from 'node:http'
import { CloudError } from './errors'

/** CloudBase's limit for a synchronous request or response body. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024

export interface RouteContext {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  params: string[]
}

export type RouteHandler = (ctx: RouteContext) => Promise<void> | void

interface Route {
  method: string
  pattern: RegExp
  handler: RouteHandler
}

/** A small method + path-pattern router; the first matching route wins. */
export class Router {
  private readonly routes: Route[] = []

  add(method: string, pattern: RegExp, handler: RouteHandler): void {
    this.routes.push({ method, pattern, handler })
  }

  match(method: string, pathname: string): { handler: RouteHandler; params: string[] } | undefined {
    for (const route of this.routes) {
      if (route.method !== method && route.method !== '*') continue
      const m = route.pattern.exec(pathname)
      if (!m) continue
      try {
        return { handler: route.handler, params: m.slice(1).map((p) => decodeURIComponent(p ?? '')) }
      } catch {
        throw new CloudError('INVALID_PARAM', `malformed percent-encoding in ${pathname}`, 400)
      }
    }
    return undefined
  }
}

/** Reads the whole body, refusing anything over CloudBase's 6 MB limit before buffering it. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit) {
    req.resume()
    return Promise.reject(new CloudError('EXCEED_REQUEST_LIMIT', `request body of ${declared} bytes exceeds the ${limit}-byte limit`, 413))
  }
  // plain events rather than `for await`: the async iterator costs a measurable share of a point query
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let refused = false
    req.on('data', (chunk: Buffer) => {
      if (refused) return
      size += chunk.length
      if (size > limit) {
        refused = true
        chunks.length = 0
        reject(new CloudError('EXCEED_REQUEST_LIMIT', `request body exceeds the ${limit}-byte limit`, 413))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!refused) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks))
    })
    req.on('error', reject)
  })
}

/** Parses a JSON object body; anything else is a typed 400. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  return parseJsonObject((await readBody(req)).toString('utf8'))
}

/** A request body's text as a JSON object (empty = `{}`); anything else is a typed 400. */
export function parseJsonObject(text: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = text.length === 0 ? {} : JSON.parse(text)
  } catch (e) {
    throw new CloudError('INVALID_REQUEST_BODY', `request body is not valid JSON: ${(e as Error).message}`, 400)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CloudError('INVALID_REQUEST_BODY', 'request body must be a JSON object', 400)
  }
  return parsed as Record<string, unknown>
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body))
}

/** Sends JSON already serialised. */
export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}
