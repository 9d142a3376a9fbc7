import fs from 'node:fs'
import path from 'node:path'
import { decode, type Doc } from './ejson'
import type { IndexSpec } from './store'

/**
 * One collection as declared in database/collections/<name>.json: what you would configure in
 * the CloudBase console (its indexes and its client-side permission rule).
 */
export interface CollectionDeclaration {
  name: string
  description?: string
  indexes: IndexSpec[]
  /** CloudBase security rule for client SDK access; ours deny it (all data goes through functions). */
  rules: { read: boolean | string; write: boolean | string }
}

/** Reads every collection declaration, refusing a malformed one with its file name. */
export function readDeclarations(databaseDir: string): CollectionDeclaration[] {
  const dir = path.join(databaseDir, 'collections')
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const full = path.join(dir, file)
      const decl = JSON.parse(fs.readFileSync(full, 'utf8')) as CollectionDeclaration
      if (decl.name !== path.basename(file, '.json')) throw new Error(`${full}: "name" must be ${path.basename(file, '.json')}`)
      if (!Array.isArray(decl.indexes)) throw new Error(`${full}: "indexes" must be an array`)
      if (!decl.rules || decl.rules.read === undefined || decl.rules.write === undefined) throw new Error(`${full}: "rules" needs read and write`)
      return decl
    })
}

/** Demo documents from database/seed/<collection>.json (relaxed EJSON arrays), by collection. */
export function readSeed(databaseDir: string, now: number): Map<string, Doc[]> {
  const dir = path.join(databaseDir, 'seed')
  const out = new Map<string, Doc[]>()
  if (!fs.existsSync(dir)) return out
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const docs: unknown = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))
    if (!Array.isArray(docs)) throw new Error(`${path.join(dir, file)} must hold an array of documents`)
    out.set(path.basename(file, '.json'), docs.map((d) => decode(d, now) as Doc))
  }
  return out
}
