/**
 * Error codes the local cloud answers with. Database and storage codes are CloudBase's own
 * (the SDK throws them as TcbError); the rest name what the local cloud refuses.
 */
export type LocalCloudErrorCode =
  | 'INVALID_PARAM'
  | 'INVALID_ACTION'
  | 'INVALID_REQUEST_BODY'
  | 'EXCEED_REQUEST_LIMIT'
  | 'OPERATION_NOT_SUPPORTED'
  | 'DATABASE_COLLECTION_NOT_EXIST'
  | 'DATABASE_COLLECTION_ALREADY_EXIST'
  | 'DATABASE_DUPLICATE_WRITE'
  | 'DATABASE_TRANSACTION_CONFLICT'
  | 'DATABASE_TRANSACTION_FAIL'
  | 'DATABASE_REQUEST_FAILED'
  | 'STORAGE_FILE_NONEXIST'
  | 'STORAGE_REQUEST_FAIL'
  | 'STORAGE_EXCEED_AUTHORITY'
  | 'FUNCTIONS_NOT_EXIST'
  | 'FUNCTIONS_EXECUTE_FAIL'
  | 'FUNCTIONS_TIME_LIMIT_EXCEEDED'
  | 'SYS_ERR'

/** An expected refusal: answered as `{code, message, requestId}`, which the SDK throws as TcbError. */
export class CloudError extends Error {
  constructor(
    readonly code: LocalCloudErrorCode,
    message: string,
    /** HTTP status for the reply; the SDK's wire protocol carries errors in a 200 body. */
    readonly status = 200,
  ) {
    super(message)
    this.name = 'CloudError'
  }
}
