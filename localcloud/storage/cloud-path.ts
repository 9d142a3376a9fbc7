/**
 * Cloud paths and fileIDs as CloudBase shapes them: a file uploaded to `cloudPath` in bucket
 * `<bucket>` of environment `<envId>` is `cloud://<envId>.<bucket>/<cloudPath>`.
 */

/** COS limits an object key to 850 bytes. */
const MAX_CLOUD_PATH_BYTES = 850

/**
 * The local bucket name, shaped like CloudBase's `<hex of the env id's first two letters>-<envId>-<appid>`
 * (`7465-test-1a2b-1250000000` for env `test-1a2b`), so code that splits fileIDs meets the same shape.
 */
export function bucketFor(envId: string): string {
  return `${Buffer.from(envId.slice(0, 2), 'utf8').toString('hex')}-${envId}-1250000000`
}

/**
 * Why a cloud path is refused, or undefined when it is acceptable. Beyond traversal (`..`, absolute
 * paths, backslashes) we refuse `%`, `?` and `#`: a temporary URL carries the path unencoded, as
 * CloudBase's do, and the SDK passes it through `encodeURI`, which these characters would break.
 */
export function cloudPathProblem(cloudPath: unknown): string | undefined {
  if (typeof cloudPath !== 'string' || cloudPath === '') return 'cloudPath must be a non-empty string'
  if (Buffer.byteLength(cloudPath) > MAX_CLOUD_PATH_BYTES) return `cloudPath is longer than ${MAX_CLOUD_PATH_BYTES} bytes`
  if (cloudPath.startsWith('/')) return 'cloudPath must be relative (no leading /)'
  // eslint-disable-next-line no-control-regex
  if (/[\\%?#\u0000-\u001f\u007f]/.test(cloudPath)) return 'cloudPath must not contain \\, %, ?, # or control characters'
  for (const segment of cloudPath.split('/')) {
    if (segment === '') return 'cloudPath must not contain empty segments or end with /'
    if (segment === '.' || segment === '..') return 'cloudPath must not contain . or .. segments'
  }
  return undefined
}

export function fileIdFor(envId: string, bucket: string, cloudPath: string): string {
  return `cloud://${envId}.${bucket}/${cloudPath}`
}

/** The cloud path a fileID names in this environment's bucket, or why it names nothing here. */
export function parseFileId(fileId: unknown, envId: string, bucket: string): { cloudPath: string } | { problem: string } {
  if (typeof fileId !== 'string') return { problem: 'fileID must be a string' }
  const prefix = `cloud://${envId}.${bucket}/`
  if (!fileId.startsWith('cloud://')) return { problem: `fileID must look like ${prefix}<cloudPath>` }
  if (!fileId.startsWith(prefix)) return { problem: `fileID is not in this environment's bucket (${prefix})` }
  const cloudPath = fileId.slice(prefix.length)
  const problem = cloudPathProblem(cloudPath)
  return problem ? { problem } : { cloudPath }
}
