import fs from 'node:fs'
import path from 'node:path'
import { installTransactionGuards } from '../../localcloud/functions/sdk-guards'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'

const REPO_ROOT = path.resolve(__dirname, '..', '..')
const SOURCES = path.join(__dirname, '..', 'fixtures', 'functions-src')
// Inside the repository (git-ignored /tmp/) so the bundle's require('@cloudbase/node-sdk') resolves as it does under cloudfunctions/.
const OUT_DIR = path.join(REPO_ROOT, 'tmp', `functions-build-${process.pid}`)

const { buildFunctions } = require('../../scripts/build-functions.js') as {
  buildFunctions(options: { functionsDir?: string; outDir?: string; quiet?: boolean }): Promise<string[]>
}

let t: TestCloud

beforeAll(async () => {
  expect(await buildFunctions({ functionsDir: SOURCES, outDir: OUT_DIR, quiet: true })).toEqual(['notes'])
  t = await startTestCloud({ functionsDir: OUT_DIR })
  await t.db.createCollection('notes')
})
afterAll(async () => {
  await t?.stop()
  fs.rmSync(OUT_DIR, { recursive: true, force: true })
})

describe('npm run build: one deployable folder per function', () => {
  test('index.ts is bundled with backend/ into index.js; the SDK stays external and package.json declares it', () => {
    const bundle = fs.readFileSync(path.join(OUT_DIR, 'notes', 'index.js'), 'utf8')
    expect(bundle).toContain('require("@cloudbase/node-sdk")')
    expect(bundle).toContain('LOCAL_CLOUD_URL') // backend/cloud.ts came along
    expect(bundle).not.toMatch(/require\(["'][./]+backend/)
    const pkg = JSON.parse(fs.readFileSync(path.join(OUT_DIR, 'notes', 'package.json'), 'utf8'))
    expect(pkg.dependencies).toEqual({ '@cloudbase/node-sdk': '3.18.3' })
    expect(fs.existsSync(path.join(OUT_DIR, 'notes', 'config.json'))).toBe(true)
  })
})

describe('a built function using backend/cloud.ts against the local cloud', () => {
  test('callerOf(context) reads the caller the platform passed', async () => {
    expect(await t.invoke('notes', { action: 'whoami' }, { openid: 'o-carol', unionid: 'u-carol' })).toEqual({
      openid: 'o-carol',
      appid: 'wx0000000000000000',
      unionid: 'u-carol',
      source: 'wx_client',
      env: t.cloud.envId,
    })
  })

  test('cloudApp() reaches the local database end to end: add, update, transaction, query; round trips are counted for the function', async () => {
    await fetch(`${t.url}/_local/counters/reset`, { method: 'POST' })
    const res = await fetch(`${t.url}/functions/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': 'o-dave' },
      body: JSON.stringify({ action: 'write', text: 'hello' }),
    })
    expect(res.status).toBe(200)
    const { result } = await res.json()
    expect(result.mine).toEqual([{ _id: result.id, text: 'hello', n: 2, atIsDate: true }])

    const stored = await t.db.collection('notes').doc(result.id).get()
    expect(stored.data[0]).toMatchObject({ owner: 'o-dave', text: 'hello', n: 2 })
    const counters = await (await fetch(`${t.url}/_local/counters`)).json()
    expect(counters.byFunction.notes).toBeGreaterThanOrEqual(5)
  })

  test("the function's SDK calls are refused as over HTTP: an unknown collection, and a body over 6 MB (sent over HTTP, not the worker port)", async () => {
    const codeOf = async (call: () => Promise<unknown>) => {
      try {
        await call()
        return 'accepted'
      } catch (err) {
        return (err as { code?: string }).code ?? String(err)
      }
    }
    const fromTest = {
      missing: await codeOf(() => t.db.collection('no_such_collection').where({ a: 1 }).get()),
      huge: await codeOf(() => t.db.collection('notes').add({ text: 'x'.repeat(7 * 1024 * 1024) })),
    }
    expect(fromTest.missing).toBe('DATABASE_COLLECTION_NOT_EXIST')
    expect(fromTest.huge).not.toBe('accepted')
    expect(await t.invoke('notes', { action: 'refusals' })).toEqual(fromTest)
    expect(await t.db.collection('notes').where({ text: t.db.RegExp({ regexp: '^xxxx' }) }).count()).toMatchObject({ total: 0 })
  })

  test('a function calling a function through the SDK: the callee runs as scf with no openid', async () => {
    const result = await t.invoke('notes', { action: 'call', name: 'notes', data: { action: 'whoami' } }, { openid: 'o-erin' })
    expect(result).toEqual({
      me: expect.objectContaining({ openid: 'o-erin', source: 'wx_client' }),
      callee: { source: 'scf', env: t.cloud.envId },
    })
  })

  test('where().update() inside a transaction is refused with INVALID_PARAM and writes nothing', async () => {
    const { id } = await t.db.collection('notes').add({ owner: 'o-frank', text: 'keep', n: 1 })
    const result = await t.invoke('notes', { action: 'whereUpdateInTransaction' }, { openid: 'o-frank' })
    expect(result).toMatchObject({ refused: true, code: 'INVALID_PARAM' })
    expect((result as { message: string }).message).toContain('use doc(id).update()')
    expect((await t.db.collection('notes').doc(id!).get()).data[0].n).toBe(1)
  })
})

describe('transaction guards installed in the test process', () => {
  test('where().update(), where().remove() and count() on a transaction are refused; outside one they work', async () => {
    installTransactionGuards()
    installTransactionGuards() // idempotent
    const notes = t.db.collection('notes')
    const { id } = await notes.add({ owner: 'o-gina', n: 1 })
    const transaction = await t.db.startTransaction()
    try {
      const inTransaction = transaction.collection('notes')
      await expect(inTransaction.where({ owner: 'o-gina' }).update({ n: 2 })).rejects.toMatchObject({ code: 'INVALID_PARAM' })
      await expect(inTransaction.where({ owner: 'o-gina' }).remove()).rejects.toMatchObject({ code: 'INVALID_PARAM' })
      await expect(inTransaction.where({ owner: 'o-gina' }).count()).rejects.toMatchObject({ code: 'INVALID_PARAM' })
      await inTransaction.doc(id!).update({ n: 3 }) // the supported form still works
    } finally {
      await transaction.commit()
    }
    expect((await notes.where({ owner: 'o-gina' }).count()).total).toBe(1)
    expect((await notes.where({ owner: 'o-gina' }).update({ n: 4 })).updated).toBe(1)
    expect((await notes.doc(id!).get()).data[0].n).toBe(4)
  })
})

describe('rebuilding while the local cloud runs', () => {
  test('a function folder added after start is found on its first call, and a rebuilt index.js is picked up by the next call', async () => {
    const dir = path.join(OUT_DIR, 'version')
    fs.mkdirSync(dir, { recursive: true })
    const entry = path.join(dir, 'index.js')
    fs.writeFileSync(entry, 'exports.main = async () => 1\n')
    expect(await t.invoke('version')).toBe(1)
    fs.writeFileSync(entry, 'exports.main = async () => 2\n')
    const later = new Date(Date.now() + 5000)
    fs.utimesSync(entry, later, later)
    expect(await t.invoke('version')).toBe(2)
  })
})
