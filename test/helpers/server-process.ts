import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import tcb from '@cloudbase/node-sdk'

/** The local cloud as `npm start` runs it, in its own process, for tests that kill and restart it. */

const ROOT = path.resolve(__dirname, '../..')

export interface ServerProcess {
  child: ChildProcess
  url: string
}

/** Starts `localcloud/main.ts` on a free port over `dataDir` (no demo data) and resolves on its ready line. */
export function startServerProcess(dataDir: string, options: { timers?: boolean } = {}): Promise<ServerProcess> {
  // node with tsx's loader, not the tsx CLI: one process, so SIGKILL really kills the server (and its function workers)
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'localcloud/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOCAL_SEED: '0', LOCAL_TIMERS: options.timers ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`local cloud did not start: ${out}`)), 30_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const m = /Local cloud ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve({ child, url: m[1] })
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('exit', (code) => reject(new Error(`local cloud exited with ${code}: ${out}`)))
  })
}

/** The real SDK's database, pointed at a server process. */
export function serverDb(url: string) {
  process.env.TENCENTCLOUD = 'true'
  // The SDK arms a 3 s "slow request" warning per call and clears it only on success; calls cut
  // off by kill -9 would log it after the test has ended.
  process.env.SILENCE = 'true'
  return tcb.init({ env: 'local', secretId: 'local', secretKey: 'local', serviceUrl: `${url}/admin`, timeout: 10_000 }).database()
}

/** Resolves with the exit code once the process has ended (at once if it already has). */
export const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))))
