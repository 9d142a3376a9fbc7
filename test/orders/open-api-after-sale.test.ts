/**
 * The production side of the shipping upload and subscribe messages with WeChat substituted at
 * its boundary: wx-server-sdk's cloud call (a fake module here), loaded lazily; WeChat's refusals
 * become thrown OpenApiErrors, which the callers record and retry (never un-shipping an order).
 */
export {} // a module, so its names do not clash with other test files

const uploadShippingInfo = jest.fn()
const send = jest.fn()
const init = jest.fn()
jest.mock('wx-server-sdk', () => ({ init, DYNAMIC_CURRENT_ENV: Symbol('current env'), openapi: { wxa: { sec: { order: { uploadShippingInfo } } }, subscribeMessage: { send } } }), { virtual: true })

const savedEnv = { ...process.env }
afterEach(() => {
  process.env = { ...savedEnv }
})
beforeEach(() => {
  uploadShippingInfo.mockReset()
  send.mockReset()
  init.mockReset()
})

function loadAdapter(): typeof import('../../backend/wechat-open-api') {
  delete process.env.LOCAL_CLOUD_URL
  let mod!: typeof import('../../backend/wechat-open-api')
  jest.isolateModules(() => {
    mod = require('../../backend/wechat-open-api')
  })
  return mod
}

const upload = {
  orderKey: { orderNumberType: 2 as const, transactionId: '4200001234' },
  logisticsType: 1 as const,
  deliveryMode: 1 as const,
  shippingList: [{ trackingNo: 'SF123', expressCompany: 'SF', itemDesc: '龙井*1' }],
  uploadTime: '2026-11-27T20:00:00.000+08:00',
  payer: { openid: 'o-buyer' },
}

test('uploadShippingInfo goes through wxa.sec.order.uploadShippingInfo with the request as given; wx-server-sdk loads on first use, once', async () => {
  const { wechatOpenApi } = loadAdapter()
  const api = wechatOpenApi()
  expect(init).not.toHaveBeenCalled()
  uploadShippingInfo.mockResolvedValue({ errCode: 0, errMsg: 'openapi.wxa.sec.order.uploadShippingInfo:ok' })
  await api.uploadShippingInfo(upload)
  expect(uploadShippingInfo).toHaveBeenCalledWith(upload)
  send.mockResolvedValue({ errCode: 0 })
  await api.sendSubscribeMessage({ touser: 'o-buyer', templateId: 'T1', page: 'pages/orders/detail/index?id=o1', data: { character_string1: { value: 'o1' } } })
  expect(send).toHaveBeenCalledWith({ touser: 'o-buyer', templateId: 'T1', page: 'pages/orders/detail/index?id=o1', data: { character_string1: { value: 'o1' } }, miniprogramState: 'formal' })
  expect(init).toHaveBeenCalledTimes(1)
})

test('a refusal by WeChat (errCode != 0) or a failed call is thrown, never taken for success', async () => {
  const { wechatOpenApi, OpenApiError } = loadAdapter()
  const api = wechatOpenApi()
  uploadShippingInfo.mockResolvedValueOnce({ errCode: 10060012, errMsg: '发货信息重复上传' })
  await expect(api.uploadShippingInfo(upload)).rejects.toBeInstanceOf(OpenApiError)
  uploadShippingInfo.mockRejectedValueOnce(new Error('network'))
  await expect(api.uploadShippingInfo(upload)).rejects.toThrow('network')
  send.mockResolvedValueOnce({ errCode: 43101, errMsg: 'user refuse to accept the msg' })
  await expect(api.sendSubscribeMessage({ touser: 'o', templateId: 'T', page: 'p', data: {} })).rejects.toMatchObject({ errCode: 43101 })
})
