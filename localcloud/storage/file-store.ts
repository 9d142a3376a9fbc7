import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { CloudError } from '../errors'

/** Who wrote a stored file: a mini program user's openid, or null for server-side (SDK) uploads. */
export interface StoredFileMeta {
  owner: string | null
  uploadedAt: number
}

export interface StoredFile {
  absolutePath: string
  size: number
  modifiedAt: number
}

function isErrno(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as NodeJS.ErrnoException).code ?? '')
}

/**
 * Files on disk under `<dataDir>/storage/`: contents in `files/<bucket>/<cloudPath>`, who wrote
 * them in `meta/<bucket>/<cloudPath>.json`. Every write goes to `tmp/` first and is renamed into
 * place, so a crash never leaves half a file where a reader can see it.
 */
export class FileStore {
  private readonly filesDir: string
  private readonly metaDir: string
  private readonly tmpDir: string
  /** Renames and deletes run one at a time, so a delete pruning empty folders cannot race an upload into them. */
  private tail: Promise<unknown> = Promise.resolve()

  constructor(readonly root: string) {
    this.filesDir = path.join(root, 'files')
    this.metaDir = path.join(root, 'meta')
    this.tmpDir = path.join(root, 'tmp')
  }

  /** Creates the folders and clears temp files a crash may have left behind. */
  async open(): Promise<void> {
    await fs.mkdir(this.filesDir, { recursive: true })
    await fs.mkdir(this.metaDir, { recursive: true })
    await fs.rm(this.tmpDir, { recursive: true, force: true })
    await fs.mkdir(this.tmpDir, { recursive: true })
  }

  /** The signing key for temporary URLs, created once and kept, so URLs survive a restart until they expire. */
  async signingKey(): Promise<Buffer> {
    const keyPath = path.join(this.root, 'signing-key')
    try {
      await fs.writeFile(keyPath, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 })
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err
    }
    const key = Buffer.from((await fs.readFile(keyPath, 'utf8')).trim(), 'hex')
    if (key.length < 16) throw new Error(`storage signing key at ${keyPath} is damaged; delete it to make a new one`)
    return key
  }

  async stat(bucket: string, cloudPath: string): Promise<StoredFile | undefined> {
    const absolutePath = this.resolve(this.filesDir, bucket, cloudPath)
    try {
      const st = await fs.stat(absolutePath)
      return st.isFile() ? { absolutePath, size: st.size, modifiedAt: st.mtimeMs } : undefined
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ENOTDIR')) return undefined
      throw err
    }
  }

  /** Opens the file for reading; the handle keeps serving these bytes even if an upload replaces the file meanwhile. */
  async openForRead(bucket: string, cloudPath: string): Promise<{ handle: fs.FileHandle; size: number; modifiedAt: number } | undefined> {
    let handle: fs.FileHandle
    try {
      handle = await fs.open(this.resolve(this.filesDir, bucket, cloudPath), 'r')
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ENOTDIR', 'EISDIR')) return undefined
      throw err
    }
    const st = await handle.stat()
    if (!st.isFile()) {
      await handle.close()
      return undefined
    }
    return { handle, size: st.size, modifiedAt: st.mtimeMs }
  }

  /** Resolves once every rename and delete already asked for has finished. */
  async idle(): Promise<void> {
    await this.tail
  }

  async meta(bucket: string, cloudPath: string): Promise<StoredFileMeta | undefined> {
    try {
      return JSON.parse(await fs.readFile(this.resolve(this.metaDir, bucket, cloudPath) + '.json', 'utf8')) as StoredFileMeta
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ENOTDIR', 'EISDIR')) return undefined
      throw err
    }
  }

  /** Stores `bytes` at `cloudPath`, replacing any file there; readers see the old file or the new one, never a mix. */
  async put(bucket: string, cloudPath: string, bytes: Buffer, meta: StoredFileMeta): Promise<void> {
    const target = this.resolve(this.filesDir, bucket, cloudPath)
    const metaTarget = this.resolve(this.metaDir, bucket, cloudPath) + '.json'
    const tmpFile = await this.writeTemp(bytes)
    const tmpMeta = await this.writeTemp(Buffer.from(JSON.stringify(meta)))
    try {
      await this.exclusive(async () => {
        try {
          await fs.mkdir(path.dirname(target), { recursive: true })
          await fs.mkdir(path.dirname(metaTarget), { recursive: true })
          // The owner record goes first: a crash between the two renames leaves a record for a
          // file that is absent (harmless), never a file without its owner.
          await fs.rename(tmpMeta, metaTarget)
          await fs.rename(tmpFile, target)
        } catch (err) {
          if (isErrno(err, 'ENOTDIR', 'EEXIST', 'EISDIR', 'ENOTEMPTY')) {
            // COS keys are flat, so `a` and `a/b` can both exist there; on a disk they cannot.
            throw new CloudError('STORAGE_REQUEST_FAIL', `cloudPath ${cloudPath} collides with an existing file or folder of that name in local storage`)
          }
          throw err
        }
      })
    } finally {
      await fs.rm(tmpFile, { force: true })
      await fs.rm(tmpMeta, { force: true })
    }
  }

  /** Removes the file at `cloudPath`; false when there was none. */
  async remove(bucket: string, cloudPath: string): Promise<boolean> {
    return this.exclusive(async () => {
      const target = this.resolve(this.filesDir, bucket, cloudPath)
      try {
        const st = await fs.stat(target)
        if (!st.isFile()) return false
        await fs.unlink(target)
      } catch (err) {
        if (isErrno(err, 'ENOENT', 'ENOTDIR')) return false
        throw err
      }
      await fs.rm(this.resolve(this.metaDir, bucket, cloudPath) + '.json', { force: true })
      await this.pruneEmptyFolders(path.dirname(target), path.join(this.filesDir, bucket))
      await this.pruneEmptyFolders(path.dirname(this.resolve(this.metaDir, bucket, cloudPath)), path.join(this.metaDir, bucket))
      return true
    })
  }

  private async pruneEmptyFolders(from: string, stopAt: string): Promise<void> {
    for (let dir = from; dir.startsWith(stopAt + path.sep); dir = path.dirname(dir)) {
      try {
        await fs.rmdir(dir)
      } catch {
        return // not empty (or already gone): stop climbing
      }
    }
  }

  private async writeTemp(bytes: Buffer): Promise<string> {
    const file = path.join(this.tmpDir, `${Date.now()}-${randomBytes(6).toString('hex')}`)
    const handle = await fs.open(file, 'wx')
    try {
      await handle.writeFile(bytes)
      await handle.sync()
    } finally {
      await handle.close()
    }
    return file
  }

  /** Joins a validated cloud path under `base/bucket`, and checks once more that it stays inside. */
  private resolve(base: string, bucket: string, cloudPath: string): string {
    const bucketDir = path.join(base, bucket)
    const resolved = path.resolve(bucketDir, ...cloudPath.split('/'))
    if (!resolved.startsWith(bucketDir + path.sep)) throw new CloudError('INVALID_PARAM', `cloudPath ${cloudPath} leaves the bucket`)
    return resolved
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work)
    this.tail = run.catch(() => undefined)
    return run
  }
}
