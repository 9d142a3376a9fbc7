import fs from 'node:fs'
import path from 'node:path'
import { parseCloudbaseCron, type CloudbaseCron } from './cron'

/** Function names CloudBase accepts: letters, digits, `-` and `_`, at most 60 characters. */
const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/

/** Local default timeout: the longest the DevTools and `tcb` configs allow (CloudBase's own default is 3 s). */
export const DEFAULT_TIMEOUT_SECONDS = 60
export const DEFAULT_MEMORY_MB = 256

export interface TimerTrigger {
  name: string
  /** The CloudBase cron as written in config.json (7 fields). */
  config: string
  cron: CloudbaseCron
}

/** One folder under cloudfunctions/, as the runtime sees it. */
export interface FunctionDefinition {
  name: string
  dir: string
  /** The built output the runtime runs (`index.js`): what is tested is what ships. */
  entry: string
  /** Whether `index.ts` exists (so a missing index.js means "run npm run build"). */
  hasSource: boolean
  timeoutSeconds: number
  memoryMb: number
  triggers: TimerTrigger[]
}

export function isFunctionName(name: string): boolean {
  return FUNCTION_NAME.test(name)
}

interface FunctionConfigFile {
  timeout?: unknown
  memorySize?: unknown
  triggers?: unknown
}

function readConfig(dir: string): FunctionConfigFile {
  const file = path.join(dir, 'config.json')
  if (!fs.existsSync(file)) return {}
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object')
    return parsed as FunctionConfigFile
  } catch (err) {
    throw new Error(`${file} is not a valid function config: ${(err as Error).message}`)
  }
}

function readTriggers(name: string, raw: unknown): TimerTrigger[] {
  if (raw === undefined) return []
  if (!Array.isArray(raw)) throw new Error(`cloud function ${name}: config.json "triggers" must be an array`)
  const triggers: TimerTrigger[] = []
  for (const item of raw as Array<{ name?: unknown; type?: unknown; config?: unknown }>) {
    if (item?.type !== 'timer') continue // other trigger types have no local meaning
    if (typeof item.name !== 'string' || typeof item.config !== 'string') {
      throw new Error(`cloud function ${name}: a timer trigger needs a string "name" and a string "config" (its cron)`)
    }
    try {
      triggers.push({ name: item.name, config: item.config, cron: parseCloudbaseCron(item.config) })
    } catch (err) {
      throw new Error(`cloud function ${name}, trigger ${item.name}: ${(err as Error).message}`)
    }
  }
  return triggers
}

/** Reads one function folder; undefined when it holds no function (no index.js nor index.ts). */
export function readFunction(functionsDir: string, name: string): FunctionDefinition | undefined {
  if (!isFunctionName(name)) return undefined
  const dir = path.join(functionsDir, name)
  const entry = path.join(dir, 'index.js')
  const hasSource = fs.existsSync(path.join(dir, 'index.ts'))
  if (!hasSource && !fs.existsSync(entry)) return undefined
  const config = readConfig(dir)
  const timeout = Number(config.timeout ?? DEFAULT_TIMEOUT_SECONDS)
  const memory = Number(config.memorySize ?? DEFAULT_MEMORY_MB)
  if (!(timeout > 0 && timeout <= 900)) throw new Error(`cloud function ${name}: config.json "timeout" must be 1 to 900 seconds`)
  if (!(memory >= 64 && memory <= 3072)) throw new Error(`cloud function ${name}: config.json "memorySize" must be 64 to 3072 MB`)
  return { name, dir, entry, hasSource, timeoutSeconds: timeout, memoryMb: memory, triggers: readTriggers(name, config.triggers) }
}

/** Every function folder under `functionsDir` (a missing folder holds none). */
export function discoverFunctions(functionsDir: string): FunctionDefinition[] {
  if (!fs.existsSync(functionsDir)) return []
  return fs
    .readdirSync(functionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => readFunction(functionsDir, entry.name))
    .filter((definition): definition is FunctionDefinition => definition !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name))
}
