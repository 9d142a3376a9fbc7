import { mkdtempSync, rmSync, existsSync, readdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { LocalCloud } from '../../localcloud/server'
import type { StorageModule } from '../../localcloud/storage/module'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'

let dataDir: string
let testCloud: TestCloud
let cloud: LocalCloud
let storage: StorageModule
let app: TestCloud['app']

async function startCloud(port = 0): Promise<void> {
  testCloud = await startTestCloud({ dataDir, port })
  cloud = testCloud.cloud
  storage = cloud.module<StorageModule>('storage')
  app = testCloud.app
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'storage-test-'))
  await startCloud()
})

afterAll(async () => {
  await testCloud.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex')

async function tempUrlOf(fileID: string, maxAge?: number): Promise<{ code: string; tempFileURL: string }> {
  const { fileList } = await app.getTempFileURL({ fileList: [maxAge === undefined ? fileID : { fileID, maxAge }] })
  return fileList[0]
}

/** What the SDK throws, as `{code}` (or the resolved value when it does not throw). */
async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    return { resolved: await promise }
  } catch (err) {
    return { code: (err as { code?: unknown }).code }
  }
}

function clientPost(route: string, body: Buffer | object, headers: Record<string, string> = {}): Promise<Response> {
  const raw = Buffer.isBuffer(body)
  return fetch(`${cloud.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': raw ? 'application/octet-stream' : 'application/json', ...headers },
    body: raw ? new Uint8Array(body) : JSON.stringify(body),
  })
}

describe('cloud storage through @cloudbase/node-sdk', () => {
  test('an uploaded file is served at its temporary URL with the same bytes and the type of its extension', async () => {
    const { fileID } = await app.uploadFile({ cloudPath: 'products/tea/cover.png', fileContent: PNG })
    expect(fileID).toBe(`cloud://local.${storage.bucket}/products/tea/cover.png`)
    expect(storage.bucket).toBe('6c6f-local-1250000000')

    const { code, tempFileURL } = await tempUrlOf(fileID)
    expect(code).toBe('SUCCESS')
    const res = await fetch(tempFileURL)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG)
  })

  test('downloadFile returns the bytes, also for a path with Chinese characters and spaces', async () => {
    const bytes = Buffer.from('绿茶 green tea\n', 'utf8')
    const { fileID } = await app.uploadFile({ cloudPath: '海报/绿茶 poster.txt', fileContent: bytes })
    const { fileContent } = await app.downloadFile({ fileID })
    expect(Buffer.from(fileContent as Buffer)).toEqual(bytes)

    const { fileList } = await app.getFileInfo({ fileList: [fileID] })
    expect(fileList[0]).toMatchObject({ code: 'SUCCESS', fileID, size: bytes.length, mime: 'text/plain' })
  })

  test('uploading again to the same path replaces the file', async () => {
    const { fileID } = await app.uploadFile({ cloudPath: 'notes/v.txt', fileContent: Buffer.from('one') })
    await app.uploadFile({ cloudPath: 'notes/v.txt', fileContent: Buffer.from('two') })
    expect(Buffer.from((await app.downloadFile({ fileID })).fileContent as Buffer).toString()).toBe('two')
  })

  test('a deleted file has no temporary URL, its old URL answers 404, and downloading it throws STORAGE_FILE_NONEXIST', async () => {
    const { fileID } = await app.uploadFile({ cloudPath: 'tmp/gone.png', fileContent: PNG })
    const { tempFileURL: oldUrl } = await tempUrlOf(fileID)

    const deleted = await app.deleteFile({ fileList: [fileID] })
    expect(deleted.fileList).toEqual([{ fileID, code: 'SUCCESS' }])

    expect(await tempUrlOf(fileID)).toMatchObject({ code: 'STORAGE_FILE_NONEXIST', tempFileURL: '' })
    expect((await fetch(oldUrl)).status).toBe(404)
    expect(await codeOf(app.downloadFile({ fileID }))).toEqual({ code: 'STORAGE_FILE_NONEXIST' })
    expect((await app.deleteFile({ fileList: [fileID] })).fileList[0].code).toBe('STORAGE_FILE_NONEXIST')
    // the emptied folder went with the file
    expect(existsSync(path.join(dataDir, 'storage', 'files', storage.bucket, 'tmp'))).toBe(false)
  })

  test.each(['../escape.txt', 'a/../../escape.txt', '/etc/passwd', 'a//b.txt', 'a\\..\\b.txt', 'dir/', 'x%2F..%2Fy'])(
    'the cloud path %p is refused with INVALID_PARAM and nothing is written',
    async (cloudPath) => {
      expect(await codeOf(app.uploadFile({ cloudPath, fileContent: Buffer.from('x') }))).toEqual({ code: 'INVALID_PARAM' })
      expect(existsSync(path.join(dataDir, 'storage', 'escape.txt'))).toBe(false)
      expect(existsSync(path.join(dataDir, 'escape.txt'))).toBe(false)
    },
  )

  test('a fileID of another environment or not a fileID at all gets a per-file error', async () => {
    const { fileList } = await app.getTempFileURL({ fileList: ['cloud://other.bucket-1/a.png', 'https://example.com/a.png'] })
    expect(fileList.map((f) => f.code)).toEqual(['INVALID_PARAM', 'INVALID_PARAM'])
  })

  test('a temporary URL expires by the local clock and then answers 403', async () => {
    const { fileID } = await app.uploadFile({ cloudPath: 'expiry/a.png', fileContent: PNG })
    const { tempFileURL } = await tempUrlOf(fileID, 60)
    expect((await fetch(tempFileURL)).status).toBe(200)

    cloud.clock.advance(59_000)
    expect((await fetch(tempFileURL)).status).toBe(200)
    cloud.clock.advance(2_000)
    const expired = await fetch(tempFileURL)
    expect(expired.status).toBe(403)
    expect(await expired.text()).toContain('<Code>AccessDenied</Code>')
  })

  test('a URL whose signature, expiry or path was tampered with answers 403', async () => {
    const { fileID } = await app.uploadFile({ cloudPath: 'forged/a.png', fileContent: PNG })
    await app.uploadFile({ cloudPath: 'forged/b.png', fileContent: PNG })
    const { tempFileURL } = await tempUrlOf(fileID, 60)
    const url = new URL(tempFileURL)
    const sign = url.searchParams.get('sign') as string
    const t = Number(url.searchParams.get('t'))

    const flipped = new URL(url)
    flipped.searchParams.set('sign', (sign[0] === '0' ? '1' : '0') + sign.slice(1))
    const stretched = new URL(url)
    stretched.searchParams.set('t', String(t + 86_400))
    const otherFile = new URL(url.href.replace('/forged/a.png', '/forged/b.png'))
    const unsigned = new URL(url.origin + url.pathname)

    for (const forged of [flipped, stretched, otherFile, unsigned]) expect((await fetch(forged)).status).toBe(403)
    expect((await fetch(url)).status).toBe(200)
  })

  test('a PUT with a forged or expired upload authorization is refused as COS refuses it', async () => {
    const put = (authorization: string) =>
      fetch(`${cloud.url}/storage/files/${storage.bucket}/forged/put.txt`, { method: 'PUT', headers: { authorization }, body: 'x' })
    const forged = await put('t=9999999999&sign=' + '0'.repeat(64))
    expect(forged.status).toBe(403)
    expect(await forged.text()).toContain('<Code>SignatureDoesNotMatch</Code>')
    expect((await put('')).status).toBe(403)

    const metadata = (await (await clientPost('/admin', { action: 'storage.getUploadMetadata', path: 'forged/put.txt' })).json()) as {
      data: { url: string; authorization: string }
    }
    cloud.clock.advance(601_000)
    const expired = await fetch(metadata.data.url, { method: 'PUT', headers: { authorization: metadata.data.authorization }, body: 'x' })
    expect(expired.status).toBe(403)
    expect(await expired.text()).toContain('<Code>AccessDenied</Code>')
    expect(await codeOf(app.getTempFileURL({ fileList: [`cloud://local.${storage.bucket}/forged/put.txt`] }))).toEqual({
      resolved: expect.objectContaining({ fileList: [expect.objectContaining({ code: 'STORAGE_FILE_NONEXIST' })] }),
    })
  })

  test('an upload over 6 MB is refused and leaves no file', async () => {
    const big = Buffer.alloc(6 * 1024 * 1024 + 1, 1)
    expect(await codeOf(app.uploadFile({ cloudPath: 'big/too.bin', fileContent: big }))).toEqual({ code: 'STORAGE_REQUEST_FAIL' })
    expect((await tempUrlOf(`cloud://local.${storage.bucket}/big/too.bin`)).code).toBe('STORAGE_FILE_NONEXIST')
    expect(readdirSync(path.join(dataDir, 'storage', 'tmp'))).toEqual([])
  })

  test('the server keeps serving after refusals', async () => {
    const { fileID } = await app.uploadFile({ cloudPath: 'after/ok.txt', fileContent: Buffer.from('ok') })
    expect((await tempUrlOf(fileID)).code).toBe('SUCCESS')
  })
})

describe('cloud storage client endpoints for the mini program', () => {
  const asAlice = { 'x-wx-openid': 'o-alice' }
  const asBob = { 'x-wx-openid': 'o-bob' }

  test('a signed-in user uploads, gets a temporary URL in wx.cloud.getTempFileURL shape, and deletes their own file', async () => {
    const up = await clientPost('/storage/upload?cloudPath=' + encodeURIComponent('users/alice/avatar.png'), PNG, asAlice)
    expect(up.status).toBe(200)
    const { fileID } = (await up.json()) as { fileID: string }
    expect(fileID).toBe(`cloud://local.${storage.bucket}/users/alice/avatar.png`)

    const urls = (await (await clientPost('/storage/temp-urls', { fileList: [fileID, { fileID: fileID + '.missing', maxAge: 60 }] })).json()) as {
      fileList: Array<{ fileID: string; tempFileURL: string; status: number; errMsg: string }>
    }
    expect(urls.fileList[0]).toMatchObject({ fileID, status: 0, errMsg: 'ok' })
    expect(urls.fileList[1]).toMatchObject({ status: -503003, tempFileURL: '' })
    const image = await fetch(urls.fileList[0].tempFileURL)
    expect(image.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG)

    const del = (await (await clientPost('/storage/delete', { fileList: [fileID] }, asAlice)).json()) as { fileList: unknown[] }
    expect(del.fileList).toEqual([{ fileID, status: 0, errMsg: 'ok' }])
    expect((await fetch(urls.fileList[0].tempFileURL)).status).toBe(404)
  })

  test('a user cannot delete or overwrite a file someone else uploaded (creator-only write, CloudBase default)', async () => {
    const { fileID } = (await (await clientPost('/storage/upload?cloudPath=users/alice/id.png', PNG, asAlice)).json()) as { fileID: string }
    const { fileID: serverFile } = await app.uploadFile({ cloudPath: 'products/server.png', fileContent: PNG })

    const del = (await (await clientPost('/storage/delete', { fileList: [fileID, serverFile] }, asBob)).json()) as {
      fileList: Array<{ status: number }>
    }
    expect(del.fileList.map((f) => f.status)).toEqual([-503002, -503002])

    const overwrite = await clientPost('/storage/upload?cloudPath=users/alice/id.png', Buffer.from('evil'), asBob)
    expect(overwrite.status).toBe(403)
    expect(await overwrite.json()).toMatchObject({ errCode: -503002 })
    expect(Buffer.from((await app.downloadFile({ fileID })).fileContent as Buffer)).toEqual(PNG)
  })

  test('uploading without a WeChat identity, to a bad path, or over 6 MB is refused with wx.cloud error codes', async () => {
    const anonymous = await clientPost('/storage/upload?cloudPath=anon.png', PNG)
    expect(anonymous.status).toBe(403)
    expect(await anonymous.json()).toMatchObject({ errCode: -503002, errMsg: expect.stringMatching(/^cloud\.uploadFile:fail /) })

    const traversal = await clientPost('/storage/upload?cloudPath=' + encodeURIComponent('../../x.png'), PNG, asAlice)
    expect(traversal.status).toBe(400)
    expect(await traversal.json()).toMatchObject({ errCode: -501007 })

    const big = await clientPost('/storage/upload?cloudPath=big.bin', Buffer.alloc(6 * 1024 * 1024 + 1), asAlice)
    expect(big.status).toBe(413)
    expect(await big.json()).toMatchObject({ errCode: -403001 })

    const empty = await clientPost('/storage/temp-urls', { fileList: [] })
    expect(empty.status).toBe(400)
    expect(await empty.json()).toMatchObject({ errCode: -501007 })
  })
})

describe('cloud storage across a restart', () => {
  test('files and unexpired temporary URLs survive a restart of the local cloud', async () => {
    const { fileID } = await app.uploadFile({ cloudPath: 'restart/keep.txt', fileContent: Buffer.from('kept') })
    const { tempFileURL } = await tempUrlOf(fileID)
    const port = cloud.port
    await testCloud.stop()
    await startCloud(port)
    const res = await fetch(tempFileURL)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('kept')
  })
})
