/**
 * The open-API adapter with WeChat substituted at its boundary: in production it goes through
 * wx-server-sdk's cloud call (replaced here by a fake module); under the local cloud it draws a
 * QR code itself.
 */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

const getUnlimited = jest.fn()
const init = jest.fn()
jest.mock('wx-server-sdk', () => ({ init, DYNAMIC_CURRENT_ENV: Symbol('current env'), openapi: { wxacode: { getUnlimited } } }), { virtual: true })

const savedEnv = { ...process.env }
afterEach(() => {
  process.env = { ...savedEnv }
})

/** A fresh copy of the adapter module under `env` (kept for the rest of the test). */
function loadAdapter(env: Record<string, string | undefined>): typeof import('../../backend/wechat-open-api') {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  let mod!: typeof import('../../backend/wechat-open-api')
  jest.isolateModules(() => {
    mod = require('../../backend/wechat-open-api')
  })
  return mod
}

beforeEach(() => {
  getUnlimited.mockReset()
  init.mockReset()
})

describe('production: wxacode.getUnlimited through the cloud call', () => {
  test('passes scene, page and width, and answers the image bytes; wx-server-sdk is loaded on first use only', async () => {
    const { wechatOpenApi } = loadAdapter({ LOCAL_CLOUD_URL: undefined, WXACODE_ENV_VERSION: 'trial', WXACODE_CHECK_PATH: 'false' })
    const api = wechatOpenApi()
    expect(init).not.toHaveBeenCalled()
    getUnlimited.mockResolvedValue({ errCode: 0, contentType: 'image/png', buffer: PNG_SIGNATURE })
    const bytes = await api.getUnlimitedCode({ scene: 'Lin8shop~p-longjing', page: 'pages/home/index' })
    expect(bytes).toEqual(PNG_SIGNATURE)
    expect(init).toHaveBeenCalledTimes(1)
    expect(getUnlimited).toHaveBeenCalledWith({ scene: 'Lin8shop~p-longjing', page: 'pages/home/index', width: 430, checkPath: false, envVersion: 'trial' })
  })

  test("WeChat's error (41030: page not published) is a failure, not an image", async () => {
    const { wechatOpenApi } = loadAdapter({ LOCAL_CLOUD_URL: undefined })
    getUnlimited.mockResolvedValue({ errCode: 41030, errMsg: 'invalid page' })
    await expect(wechatOpenApi().getUnlimitedCode({ scene: 'Lin8shop', page: 'pages/nope/index' })).rejects.toThrow('41030')
  })
})

describe('local cloud', () => {
  test('draws a QR code PNG itself and never loads wx-server-sdk', async () => {
    const { wechatOpenApi } = loadAdapter({ LOCAL_CLOUD_URL: 'http://127.0.0.1:1' })
    const bytes = await wechatOpenApi().getUnlimitedCode({ scene: 'Lin8shop', page: 'pages/home/index', width: 280 })
    expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE)
    expect(bytes.readUInt32BE(16)).toBe(280) // IHDR width
    expect(init).not.toHaveBeenCalled()
    expect(getUnlimited).not.toHaveBeenCalled()
  })
})
