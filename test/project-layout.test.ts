import fs from 'node:fs'
import path from 'node:path'

/** The files WeChat DevTools and the CloudBase CLI read agree with the repository. */

const ROOT = path.resolve(__dirname, '..')
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'))
const functionFolders = fs
  .readdirSync(path.join(ROOT, 'cloudfunctions'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(ROOT, 'cloudfunctions', d.name, 'index.ts')))
  .map((d) => d.name)
  .sort()

test('project.config.json points DevTools at the mini program and the functions, compiling TypeScript', () => {
  const project = readJson('project.config.json')
  expect(fs.existsSync(path.join(ROOT, project.miniprogramRoot, 'app.json'))).toBe(true)
  expect(fs.statSync(path.join(ROOT, project.cloudfunctionRoot)).isDirectory()).toBe(true)
  expect(project.setting.useCompilerPlugins).toContain('typescript')
})

test('cloudbaserc.json deploys every function with the timeout its config.json declares', () => {
  const rc = readJson('cloudbaserc.json')
  expect(rc.functions.map((f: { name: string }) => f.name).sort()).toEqual(functionFolders)
  for (const f of rc.functions as Array<{ name: string; timeout: number; handler: string }>) {
    const config = readJson(`cloudfunctions/${f.name}/config.json`)
    expect({ name: f.name, timeout: f.timeout, handler: f.handler }).toEqual({ name: f.name, timeout: config.timeout, handler: 'index.main' })
    expect(readJson(`cloudfunctions/${f.name}/package.json`).dependencies['@cloudbase/node-sdk']).toBe(readJson('package.json').dependencies['@cloudbase/node-sdk'])
  }
})

test('every collection declaration denies client access and names its indexes uniquely', () => {
  const dir = path.join(ROOT, 'database/collections')
  for (const file of fs.readdirSync(dir)) {
    const decl = readJson(`database/collections/${file}`)
    expect(decl.rules).toEqual({ read: false, write: false })
    const names = decl.indexes.map((ix: { name: string }) => ix.name)
    expect(new Set(names).size).toBe(names.length)
  }
})
