/**
 * The transport against a real local cloud running fixture functions: how it sends the event and
 * the caller, and how it turns every kind of answer into data or an ApiError.
 */
import './helpers/wx-harness'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startLocalCloudProcess, writeFixtureFunctions, type LocalCloudProcess } from './helpers/local-cloud-process'
import { ApiError, callFunction, deleteFiles, getTempFileUrls, setTransportTarget, uploadFile, usesLocalCloud } from '../../miniprogram/services/transport'

jest.setTimeout(60_000)

/** The transport without its typed function map, to call fixture functions. */
const call = callFunction as unknown as (name: string, action: string, data: unknown) => Promise<unknown>

const FIXTURES = {
  echo: `exports.main = async (event, context) => ({ ok: true, data: { event, openid: JSON.parse(context.environment).WX_OPENID || null } })\n`,
  refuses: `exports.main = async () => ({ ok: false, code: 'FORBIDDEN', message: 'owners only', data: { role: 'shopper' } })\n`,
  bare: `exports.main = async () => ({ products: [] })\n`,
  throws: `exports.main = async () => { throw new Error('boom') }\n`,
}

let cloud: LocalCloudProcess
let fixtureDir: string

beforeAll(async () => {
  fixtureDir = writeFixtureFunctions(FIXTURES)
  cloud = await startLocalCloudProcess({ seed: false, functionsDir: fixtureDir })
})

afterAll(async () => {
  await cloud?.stop()
  rmSync(fixtureDir, { recursive: true, force: true })
})

beforeEach(() => setTransportTarget({ localCloudUrl: cloud.url, openid: 'o-alice' }))

/** The ApiError a call rejects with. */
async function failureOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof ApiError) return err
    throw err
  }
  throw new Error('the call succeeded')
}

describe('transport in local mode', () => {
  test('the develop version with the local cloud enabled calls the local cloud', () => {
    expect(usesLocalCloud()).toBe(true)
  })

  test('sends { action, data } as the event and the caller as x-wx-openid; resolves with the envelope data', async () => {
    await expect(call('echo', 'ping', { n: 1 })).resolves.toEqual({ event: { action: 'ping', data: { n: 1 } }, openid: 'o-alice' })
  })

  test('a caller with no identity reaches the function with no openid', async () => {
    setTransportTarget({ openid: null })
    await expect(call('echo', 'ping', {})).resolves.toMatchObject({ openid: null })
  })

  test("a function's refusal becomes an ApiError with its code and data", async () => {
    const err = await failureOf(call('refuses', 'deleteProduct', {}))
    expect(err).toMatchObject({ code: 'FORBIDDEN', message: 'owners only', data: { role: 'shopper' } })
  })

  test('an answer without the envelope is INTERNAL', async () => {
    expect((await failureOf(call('bare', 'list', {}))).code).toBe('INTERNAL')
  })

  test('a function that throws is INTERNAL with the platform errCode -504002', async () => {
    expect(await failureOf(call('throws', 'x', {}))).toMatchObject({ code: 'INTERNAL', errCode: -504002 })
  })

  test('an unknown function is INTERNAL with the platform errCode -501000', async () => {
    expect(await failureOf(call('nowhere', 'x', {}))).toMatchObject({ code: 'INTERNAL', errCode: -501000 })
  })

  test('an unreachable local cloud is INTERNAL', async () => {
    setTransportTarget({ localCloudUrl: 'http://127.0.0.1:9' })
    expect((await failureOf(call('echo', 'ping', {}))).code).toBe('INTERNAL')
  })
})

/** GETs a URL through the harness's wx.request, as the page's <image> would load it. */
function fetchText(url: string): Promise<{ statusCode: number; text: string }> {
  return new Promise((resolve, reject) => {
    wx.request({
      url,
      dataType: '其他',
      success: (res) => resolve({ statusCode: res.statusCode, text: String(res.data) }),
      fail: (err) => reject(new Error(err.errMsg)),
    })
  })
}

describe('cloud storage through the transport in local mode', () => {
  let fileDir: string
  beforeAll(() => {
    fileDir = mkdtempSync(path.join(os.tmpdir(), 'mp-upload-'))
  })
  afterAll(() => rmSync(fileDir, { recursive: true, force: true }))

  test('a user uploads a file, gets a temporary URL serving its bytes, then deletes it', async () => {
    const filePath = path.join(fileDir, 'note.txt')
    writeFileSync(filePath, '好评 five stars')

    const fileID = await uploadFile('reviews/o-alice/note.txt', filePath)
    expect(fileID).toMatch(/^cloud:\/\/local\.[^/]+\/reviews\/o-alice\/note\.txt$/)

    const [url] = await getTempFileUrls([fileID])
    expect(url).toMatchObject({ fileID, status: 0, errMsg: 'ok' })
    expect(await fetchText(url.tempFileURL)).toEqual({ statusCode: 200, text: '好评 five stars' })

    expect(await deleteFiles([fileID])).toEqual([{ fileID, status: 0, errMsg: 'ok' }])
    const [gone] = await getTempFileUrls([fileID])
    expect(gone).toMatchObject({ status: -503003, tempFileURL: '' })
  })

  test("another user cannot delete someone's file, and a caller with no identity cannot upload", async () => {
    const filePath = path.join(fileDir, 'mine.txt')
    writeFileSync(filePath, 'mine')
    const fileID = await uploadFile('reviews/o-alice/mine.txt', filePath)

    setTransportTarget({ openid: 'o-bob' })
    expect((await deleteFiles([fileID]))[0].status).toBe(-503002)

    setTransportTarget({ openid: null })
    expect(await failureOf(uploadFile('reviews/anon.txt', filePath))).toMatchObject({ code: 'INTERNAL', errCode: -503002 })
  })
})

describe('transport on WeChat', () => {
  const harnessWx = wx as unknown as Record<string, unknown>
  const accountInfo = harnessWx.getAccountInfoSync

  afterEach(() => {
    harnessWx.getAccountInfoSync = accountInfo
    delete harnessWx.cloud
  })

  test('a release build never uses the local cloud: it calls wx.cloud.callFunction with the same event and unwraps its result', async () => {
    harnessWx.getAccountInfoSync = () => ({ miniProgram: { appId: 'wx1', envVersion: 'release', version: '1.0.0' } })
    const callFunctionOnWeChat = jest.fn(async (_: { name: string; data: unknown }) => ({ errMsg: 'cloud.callFunction:ok', result: { ok: true, data: { products: [] } } }))
    harnessWx.cloud = { callFunction: callFunctionOnWeChat }

    expect(usesLocalCloud()).toBe(false)
    await expect(callFunction('catalog', 'listProducts', {})).resolves.toEqual({ products: [] })
    expect(callFunctionOnWeChat).toHaveBeenCalledWith({ name: 'catalog', data: { action: 'listProducts', data: {} } })
  })

  test('a failed wx.cloud.callFunction is INTERNAL with its errCode', async () => {
    harnessWx.getAccountInfoSync = () => ({ miniProgram: { appId: 'wx1', envVersion: 'trial', version: '' } })
    harnessWx.cloud = { callFunction: async () => Promise.reject({ errCode: -504002, errMsg: 'cloud.callFunction:fail -504002 functions execute fail' }) }
    expect(await failureOf(callFunction('catalog', 'listProducts', {}))).toMatchObject({ code: 'INTERNAL', errCode: -504002 })
  })
})
