import dns from 'node:dns'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { OUTBOUND_REFUSED, isLoopbackHost, isNetworkGuardInstalled, refusedConnections } from '../../localcloud/network-guard'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'

const REPO_ROOT = path.resolve(__dirname, '..', '..')
const FIXTURES = path.join(__dirname, '..', 'fixtures')
const FUNCTIONS_DIR = path.join(REPO_ROOT, 'tmp', `network-guard-${process.pid}`)

const { buildFunctions } = require('../../scripts/build-functions.js') as {
  buildFunctions(options: { functionsDir?: string; outDir?: string; quiet?: boolean }): Promise<string[]>
}

let t: TestCloud

beforeAll(async () => {
  // A built function that initialises the SDK (notes), plus plain fixtures.
  await buildFunctions({ functionsDir: path.join(FIXTURES, 'functions-src'), outDir: FUNCTIONS_DIR, quiet: true })
  for (const name of ['whoami', 'escape']) fs.cpSync(path.join(FIXTURES, 'functions', name), path.join(FUNCTIONS_DIR, name), { recursive: true })
  t = await startTestCloud({ functionsDir: FUNCTIONS_DIR })
})
afterAll(async () => {
  await t?.stop()
  fs.rmSync(FUNCTIONS_DIR, { recursive: true, force: true })
})

test('only localhost, 127.0.0.0/8 and ::1 count as loopback', () => {
  for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', undefined]) {
    expect([host, isLoopbackHost(host)]).toEqual([host, true])
  }
  for (const host of ['metadata.tencentyun.com', '10.0.0.1', '169.254.0.23', '0.0.0.0', '::2', '1::1', 'localhost.example.com', '128.0.0.1']) {
    expect([host, isLoopbackHost(host)]).toEqual([host, false])
  }
})

test('a full run (SDK database and storage calls, client and SDK function calls, functions using the SDK) makes no outbound attempt', async () => {
  expect(isNetworkGuardInstalled()).toBe(true)

  await t.db.createCollection('notes')
  const { id } = await t.db.collection('notes').add({ owner: 'o-x', n: 1 })
  await t.db.collection('notes').doc(id!).update({ n: t.db.command.inc(1) })
  await t.db.runTransaction(async (transaction: any) => {
    await transaction.collection('notes').doc(id!).update({ n: 3 })
  })
  expect((await t.db.collection('notes').where({ owner: 'o-x' }).get()).data).toHaveLength(1)
  const { fileID } = await t.app.uploadFile({ cloudPath: 'guard/hello.txt', fileContent: Buffer.from('hi') })
  await t.app.getTempFileURL({ fileList: [fileID] })

  const client = await fetch(`${t.url}/functions/whoami`, { method: 'POST', headers: { 'x-wx-openid': 'o-x' }, body: '{}' })
  expect(client.status).toBe(200)
  await t.app.callFunction({ name: 'whoami', data: {} })
  await t.invoke('notes', { action: 'write', text: 'through the SDK in a worker' }, { openid: 'o-x' })
  await t.invoke('notes', { action: 'call', name: 'whoami', data: {} }, { openid: 'o-x' })

  expect(refusedConnections()).toEqual([])
  expect(await (await fetch(`${t.url}/_local/network`)).json()).toEqual({ guardInstalled: true, refused: [] })
})

describe('positive control: the guard catches what would leave the machine, before anything is sent', () => {
  // Each attempt below runs only with the guard installed, so nothing can actually go out.
  beforeEach(() => expect(isNetworkGuardInstalled()).toBe(true))

  test('the SDK metadata probe, an HTTP request, fetch and DNS lookups in the server process are refused and recorded', async () => {
    const metadata = require('@cloudbase/node-sdk/dist/utils/metadata') as { lookupAppId(): Promise<string> }
    expect(await metadata.lookupAppId()).toBe('') // the SDK swallows the failure, as it does off Tencent Cloud

    const httpError = await new Promise<NodeJS.ErrnoException>((resolve) => {
      http.get('http://10.0.0.1/latest/meta-data/app-id', () => resolve(new Error('reached 10.0.0.1'))).on('error', resolve)
    })
    expect(httpError.code).toBe(OUTBOUND_REFUSED)
    await expect(fetch('http://10.0.0.2/')).rejects.toThrow()
    const lookupError = await new Promise<NodeJS.ErrnoException | null>((resolve) => dns.lookup('example.com', (err) => resolve(err)))
    expect(lookupError?.code).toBe(OUTBOUND_REFUSED)
    await expect(dns.promises.lookup('example.com')).rejects.toMatchObject({ code: OUTBOUND_REFUSED })

    const refused = refusedConnections().map(({ host, via, origin }) => ({ host, via, origin }))
    expect(refused).toEqual(
      expect.arrayContaining([
        { host: 'metadata.tencentyun.com', via: 'net.connect', origin: 'server' },
        { host: '10.0.0.1', via: 'net.connect', origin: 'server' },
        { host: '10.0.0.2', via: 'net.connect', origin: 'server' },
        { host: 'example.com', via: 'dns.lookup', origin: 'server' },
      ]),
    )
  })

  test('attempts from inside a function worker are refused there and recorded in the server process', async () => {
    const attempts = (await t.invoke('escape')) as Array<{ url: string; reached: boolean; code?: string }>
    expect(attempts.map(({ reached, code }) => ({ reached, code }))).toEqual([
      { reached: false, code: OUTBOUND_REFUSED },
      { reached: false, code: OUTBOUND_REFUSED },
    ])
    const fromFunction = refusedConnections().filter((entry) => entry.origin === 'function:escape')
    expect(fromFunction.map((entry) => entry.host).sort()).toEqual(['10.0.0.1', 'metadata.tencentyun.com'])
    const listed = await (await fetch(`${t.url}/_local/network`)).json()
    expect(listed.refused.filter((entry: { origin: string }) => entry.origin === 'function:escape')).toHaveLength(2)
  })
})
