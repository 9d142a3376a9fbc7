import { z } from 'zod'
import type { ApiResult, ErrorCode } from '../typings/api'
import { callerOf, type Caller, type FunctionContext } from './cloud'

/** An expected refusal: reaches the client as `{ ok: false, code, message, data }`. */
export class DomainError extends Error {
  constructor(
    readonly code: Exclude<ErrorCode, 'INTERNAL'>,
    message: string,
    readonly data?: unknown,
  ) {
    super(message)
    this.name = 'DomainError'
  }
}

/** What one action learns about its call: the validated request and the platform-vouched caller. */
export interface ActionCall<Req> {
  data: Req
  caller: Caller
  /** The platform's request id, for logs. */
  requestId: string
}

export interface ActionSpec<Req, Res> {
  /** Validates `event.data`; anything it rejects is INVALID_INPUT and the action never runs. */
  schema: z.ZodType<Req>
  /** The call must carry a WeChat identity (openid), else UNAUTHENTICATED. */
  needsIdentity?: boolean
  run(call: ActionCall<Req>): Promise<Res>
}

/** Declares one action with its request type inferred from its schema. */
export function action<S extends z.ZodType, Res>(spec: { schema: S; needsIdentity?: boolean; run(call: ActionCall<z.output<S>>): Promise<Res> }): ActionSpec<z.output<S>, Res> {
  return spec as ActionSpec<z.output<S>, Res>
}

const eventSchema = z.object({ action: z.string().min(1).max(64), data: z.unknown().optional() }).passthrough()

/**
 * A cloud function's `main`: validates `{ action, data }` at the boundary, takes identity only
 * from the platform context, runs the action, and answers the envelope. Expected refusals are
 * DomainErrors; anything else is logged once with the request id and answered as INTERNAL.
 */
export function defineFunction(name: string, actions: Record<string, ActionSpec<any, any>>) {
  return async function main(event: unknown, context: FunctionContext): Promise<ApiResult<unknown>> {
    const requestId = String((context as { request_id?: unknown } | undefined)?.request_id ?? '-')
    const parsedEvent = eventSchema.safeParse(event)
    if (!parsedEvent.success) return fail('INVALID_INPUT', 'the event must be { action, data }', issuesOf(parsedEvent.error))
    const spec = Object.prototype.hasOwnProperty.call(actions, parsedEvent.data.action) ? actions[parsedEvent.data.action] : undefined
    if (!spec) return fail('INVALID_INPUT', `${name} has no action ${JSON.stringify(parsedEvent.data.action)}`)
    const parsed = spec.schema.safeParse(parsedEvent.data.data ?? {})
    if (!parsed.success) return fail('INVALID_INPUT', `invalid request for ${name}.${parsedEvent.data.action}`, issuesOf(parsed.error))
    let caller: Caller
    try {
      caller = callerOf(context)
    } catch {
      caller = {}
    }
    if (spec.needsIdentity && !caller.openid) return fail('UNAUTHENTICATED', `${name}.${parsedEvent.data.action} needs a WeChat identity`)
    try {
      return { ok: true, data: await spec.run({ data: parsed.data, caller, requestId }) }
    } catch (err) {
      if (err instanceof DomainError) return fail(err.code, err.message, err.data)
      console.error(`[${name}] ${parsedEvent.data.action} failed (request ${requestId})`, err)
      return fail('INTERNAL', `internal error (request ${requestId})`)
    }
  }
}

function fail(code: ErrorCode, message: string, data?: unknown): ApiResult<never> {
  return data === undefined ? { ok: false, code, message } : { ok: false, code, message, data }
}

function issuesOf(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
}
