/** The production payment adapter with the WeChat side substituted at its boundary (wx-server-sdk's cloudPay). */
import { CloudPayGateway, LocalPaymentGateway, paySucceeded } from '../../backend/payment'

const calls: Array<{ api: string; request: unknown }> = []
const init = jest.fn()

jest.mock(
  'wx-server-sdk',
  () => {
    const answer = (api: string) => async (request: unknown) => {
      calls.push({ api, request })
      return api === 'closeOrder' ? { returnCode: 'SUCCESS', resultCode: 'FAIL', errCode: 'ORDERPAID' } : { returnCode: 'SUCCESS', resultCode: 'SUCCESS', payment: { package: 'prepay_id=wx1' } }
    }
    return {
      DYNAMIC_CURRENT_ENV: Symbol('current env'),
      init: (...args: unknown[]) => init(...args),
      cloudPay: { unifiedOrder: answer('unifiedOrder'), queryOrder: answer('queryOrder'), closeOrder: answer('closeOrder'), refund: answer('refund') },
    }
  },
  { virtual: true },
)

test('CloudPayGateway loads wx-server-sdk only on the first payment call, inits it once for the current env, and passes cloudPay fields through', async () => {
  const gateway = new CloudPayGateway()
  expect(init).not.toHaveBeenCalled()
  const request = { functionName: 'payCallback', envId: 'prod-1', subMchId: '1900000109', nonceStr: 'n', body: '龙井', outTradeNo: 'o1', totalFee: 16800, spbillCreateIp: '127.0.0.1', tradeType: 'JSAPI' as const, openid: 'o-x' }
  const result = await gateway.unifiedOrder(request)
  expect(paySucceeded(result)).toBe(true)
  expect(result.payment?.package).toBe('prepay_id=wx1')
  const closed = await gateway.closeOrder({ subMchId: '1900000109', outTradeNo: 'o1', nonceStr: 'n' })
  expect(closed).toMatchObject({ errCode: 'ORDERPAID' })
  expect(paySucceeded(closed)).toBe(false)
  await gateway.refund({ subMchId: '1900000109', nonceStr: 'n', outTradeNo: 'o1', outRefundNo: 'ro1', totalFee: 16800, refundFee: 16800 })
  await gateway.queryOrder({ subMchId: '1900000109', outTradeNo: 'o1', nonceStr: 'n' })
  expect(init).toHaveBeenCalledTimes(1)
  expect(calls.map((c) => c.api)).toEqual(['unifiedOrder', 'closeOrder', 'refund', 'queryOrder'])
  expect(calls[0].request).toEqual(request)
})

test('LocalPaymentGateway turns an HTTP failure of the simulator into a thrown error, never a success', async () => {
  const gateway = new LocalPaymentGateway('http://127.0.0.1:9')
  await expect(gateway.queryOrder({ subMchId: '1', outTradeNo: 'o1', nonceStr: 'n' })).rejects.toThrow()
})
