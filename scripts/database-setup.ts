/**
 * `npm run --silent database:setup`: what to configure in a CloudBase environment's database,
 * from the same declarations the local cloud applies (database/collections/*.json).
 * `--json` prints the machine-readable form.
 */
import path from 'node:path'
import { readDeclarations } from '../localcloud/db/declarations'

const declarations = readDeclarations(path.resolve(__dirname, '../database'))

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(declarations, null, 2))
} else {
  console.log('CloudBase console -> 云开发 -> 数据库. For each collection below:')
  console.log('  1. 添加集合 (create the collection) with this name;')
  console.log('  2. 权限设置 -> 自定义安全规则: paste the rule (all access goes through cloud functions);')
  console.log('  3. 索引管理 -> 添加索引: one index per line, fields in this order (1 = 升序, -1 = 降序).\n')
  for (const d of declarations) {
    console.log(`${d.name}${d.description ? `  — ${d.description}` : ''}`)
    console.log(`  rule: ${JSON.stringify(d.rules)}`)
    for (const ix of d.indexes) {
      console.log(`  index ${ix.name}${ix.unique ? ' (唯一 unique)' : ''}: ${ix.keys.map((k) => `${k.field} ${k.direction}`).join(', ')}`)
    }
    console.log()
  }
}
