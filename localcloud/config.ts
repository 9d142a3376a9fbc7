import path from 'node:path'

/** The repository root (the local cloud reads cloudfunctions/ and database/ from it). */
export const REPO_ROOT = path.resolve(__dirname, '..')

/** Settings for one local cloud, from the environment `npm start` documents. */
export interface LocalCloudSettings {
  port: number
  dataDir: string
  seed: boolean
  timers: boolean
  functionsDir: string
  databaseDir: string
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase())
}

/** Reads PORT (default 3939, 0 = any free port), DATA_DIR (default .data/), LOCAL_SEED and LOCAL_TIMERS (default on), FUNCTIONS_DIR (default cloudfunctions/). */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): LocalCloudSettings {
  const port = env.PORT === undefined || env.PORT === '' ? 3939 : Number(env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer from 0 to 65535, got ${env.PORT}`)
  return {
    port,
    dataDir: path.resolve(env.DATA_DIR || path.join(REPO_ROOT, '.data')),
    seed: flag(env.LOCAL_SEED, true),
    timers: flag(env.LOCAL_TIMERS, true),
    functionsDir: path.resolve(env.FUNCTIONS_DIR || path.join(REPO_ROOT, 'cloudfunctions')),
    databaseDir: path.join(REPO_ROOT, 'database'),
  }
}
