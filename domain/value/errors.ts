/** Typed errors of the value engine: callers switch on `code`, never on message text. */

export type ValueInputErrorCode =
  | 'INVALID_DATE'
  | 'INVALID_AMOUNT'
  | 'INVALID_STATS'
  | 'INVALID_SUMMARY'
  | 'OUT_OF_ORDER'
  | 'BAD_LINE'
  | 'BAD_HEADER'
  | 'EMPTY_INPUT'
  | 'INVALID_OPTION'

/** Input the engine cannot use; `line` is the 1-based line of a transaction log when known. */
export class ValueInputError extends Error {
  readonly code: ValueInputErrorCode
  readonly line: number | null

  constructor(code: ValueInputErrorCode, message: string, line: number | null = null) {
    super(line === null ? message : `line ${line}: ${message}`)
    this.name = 'ValueInputError'
    this.code = code
    this.line = line
  }
}

export type ValueFitErrorCode = 'TOO_FEW_CUSTOMERS' | 'NOT_CONVERGED' | 'NUMERIC_FAILURE'

/** A fit that would otherwise return a garbage estimate; `partial` carries what it reached. */
export class ValueFitError extends Error {
  readonly code: ValueFitErrorCode
  readonly partial: unknown

  constructor(code: ValueFitErrorCode, message: string, partial: unknown = null) {
    super(message)
    this.name = 'ValueFitError'
    this.code = code
    this.partial = partial
  }
}
