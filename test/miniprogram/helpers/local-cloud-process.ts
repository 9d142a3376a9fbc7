/**
 * Runs a local cloud in a child process for the jsdom page tests (the database's native
 * better-sqlite3 does not belong in a jsdom test environment), the way `npm start` runs it.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const REPO_ROOT = path.resolve(__dirname, '../../..')
const READY = /Local cloud ready at (http:\/\/127\.0\.0\.1:\d+)/

export interface LocalCloudProcess {
  url: string
  dataDir: string
  stop(): Promise<void>
}

export interface LocalCloudProcessOptions {
  /** Seed the demo data (default true). */
  seed?: boolean
  /** Serve cloud functions from this folder instead of cloudfunctions/ (test fixtures). */
  functionsDir?: string
  /** Run the functions' timer triggers (default false: tests call timers themselves). */
  timers?: boolean
  readyTimeoutMs?: number
}

/** Starts `tsx localcloud/main.ts` with PORT=0, a fresh DATA_DIR and (unless asked) no timers; resolves once it prints its ready line. */
export function startLocalCloudProcess(options: LocalCloudProcessOptions = {}): Promise<LocalCloudProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mp-local-cloud-'))
  // node with tsx's loader rather than the tsx CLI: one process to stop
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'localcloud/main.ts')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: dataDir,
      LOCAL_TIMERS: options.timers ? '1' : '0',
      LOCAL_SEED: options.seed === false ? '0' : '1',
      ...(options.functionsDir ? { FUNCTIONS_DIR: options.functionsDir } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(killer)
    }
    rmSync(dataDir, { recursive: true, force: true })
  }

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`local cloud did not report ready within ${options.readyTimeoutMs ?? 60_000} ms:\n${output}`))
    }, options.readyTimeoutMs ?? 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const ready = READY.exec(output)
      if (ready) {
        clearTimeout(timer)
        resolve({ url: ready[1], dataDir, stop })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      rmSync(dataDir, { recursive: true, force: true })
      reject(new Error(`local cloud exited (${code ?? signal}) before it was ready:\n${output}`))
    })
  })
}

/** Writes fixture cloud functions (`name` → source of its index.js) into a fresh folder and returns it. */
export function writeFixtureFunctions(functions: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mp-fixture-functions-'))
  for (const [name, source] of Object.entries(functions)) {
    mkdirSync(path.join(dir, name))
    writeFileSync(path.join(dir, name, 'index.js'), source)
  }
  return dir
}
