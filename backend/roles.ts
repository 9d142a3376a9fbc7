import type { Caller } from './cloud'
import { DomainError } from './handler'

/**
 * Owners come from configuration, never from the client: `OWNER_OPENIDS`, comma-separated, set
 * as the function's environment variable (cloudbaserc.json `envVariables` on CloudBase; the
 * local cloud's workers inherit the server process's environment).
 */
export function ownerOpenids(): Set<string> {
  return new Set((process.env.OWNER_OPENIDS ?? '').split(',').map((s) => s.trim()).filter(Boolean))
}

export function isOwner(caller: Caller): boolean {
  return caller.openid !== undefined && ownerOpenids().has(caller.openid)
}

/** Refuses anyone but an owner with FORBIDDEN. */
export function requireOwner(caller: Caller): string {
  if (!caller.openid || !isOwner(caller)) throw new DomainError('FORBIDDEN', 'only the store owner may do this')
  return caller.openid
}
