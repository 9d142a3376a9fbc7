/**
 * Guards on the real SDK for what CloudBase would get silently wrong. In @cloudbase/database
 * 1.4.x, `t.collection(x).where(...).update()`, `.remove()` and `.count()` inside a transaction
 * do not carry the transaction id, so CloudBase runs them outside the transaction. Locally we
 * refuse them, so the mistake shows up in tests instead of as lost isolation in production.
 */

/** Error code of the refusal, the one the SDK uses for invalid calls. */
export const TRANSACTION_GUARD_CODE = 'INVALID_PARAM'

const GUARDED = Symbol.for('localcloud.transactionGuards')

interface QueryPrototype {
  _transactionId?: string
  update?: (...args: unknown[]) => Promise<unknown>
  remove?: (...args: unknown[]) => Promise<unknown>
  count?: (...args: unknown[]) => Promise<unknown>
  [GUARDED]?: true
}

/** The error a guarded call rejects with; shaped like the SDK's TcbError (`code`, `message`). */
export class TransactionGuardError extends Error {
  readonly code = TRANSACTION_GUARD_CODE
  constructor(operation: 'update' | 'remove' | 'count') {
    const instead = operation === 'count' ? 'read the documents with get() or count outside the transaction' : `use doc(id).${operation}()`
    super(`where().${operation}() inside a transaction is not supported: CloudBase runs it outside the transaction; ${instead}`)
    this.name = 'TcbError'
  }
}

/**
 * Makes `Query.prototype.update/remove/count` of the given @cloudbase/database module reject
 * with `INVALID_PARAM` when called on a transaction's collection; outside transactions they are
 * untouched. Idempotent. Pass the module instance the function code uses (defaults to the one
 * this project resolves).
 */
export function installTransactionGuards(databaseModule: { Query: { prototype: object } } = require('@cloudbase/database')): void {
  const proto = databaseModule.Query.prototype as QueryPrototype
  if (proto[GUARDED]) return
  for (const operation of ['update', 'remove', 'count'] as const) {
    const real = proto[operation]
    if (typeof real !== 'function') throw new Error(`@cloudbase/database Query.prototype.${operation} not found: the transaction guard needs updating`)
    proto[operation] = function guarded(this: QueryPrototype, ...args: unknown[]) {
      if (this._transactionId) return Promise.reject(new TransactionGuardError(operation))
      return real.apply(this, args)
    }
  }
  proto[GUARDED] = true
}
