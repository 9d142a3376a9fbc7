/** The local cloud's simulated WeChat Pay: cloudPay's APIs and a notification delivered as WeChat delivers it, retried until accepted. */
import path from 'node:path'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud({ functionsDir: path.join(__dirname, '../fixtures/functions') })
})
afterAll(() => t.stop())

const pay = async (api: string, body: object) => {
  const res = await fetch(`${t.url}/_local/pay/${api}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as any }
}

const order = { functionName: 'flakyPayCallback', envId: 'local', subMchId: '1900000109', nonceStr: 'abc', body: '龙井', outTradeNo: 'sim-1', totalFee: 16800, spbillCreateIp: '127.0.0.1', tradeType: 'JSAPI', openid: 'o-sim' }

test('unifiedOrder answers wx.requestPayment params, and is idempotent on outTradeNo with the same amount', async () => {
  const first = await pay('unifiedOrder', order)
  expect(first.body).toMatchObject({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', prepayId: expect.any(String), payment: { package: `prepay_id=${first.body.prepayId}`, signType: 'MD5' } })
  expect((await pay('unifiedOrder', order)).body.prepayId).toBe(first.body.prepayId)
  expect((await pay('unifiedOrder', { ...order, totalFee: 1 })).body).toMatchObject({ resultCode: 'FAIL', errCode: 'INVALID_REQUEST' })
  expect((await pay('unifiedOrder', { ...order, outTradeNo: 'bad no!' })).body).toMatchObject({ returnCode: 'FAIL' })
  expect((await pay('queryOrder', { subMchId: '1900000109', nonceStr: 'x', outTradeNo: 'sim-1' })).body).toMatchObject({ tradeState: 'NOTPAY', totalFee: 16800 })
})

test('confirm pays, then delivers the notification with WeChat’s fields and source, retrying until errcode 0', async () => {
  const confirmed = await pay('confirm', { outTradeNo: 'sim-1' })
  expect(confirmed.body).toMatchObject({ state: 'SUCCESS', delivered: true, deliveries: 3 })
  const { received } = (await t.invoke('flakyPayCallback', { report: true }, { source: 'scf' })) as any
  expect(received).toHaveLength(3)
  for (const call of received) {
    expect(call).toMatchObject({ source: 'wx_paycallback', openid: 'o-sim' })
    expect(call.event).toMatchObject({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: 'sim-1', totalFee: 16800, cashFee: 16800, feeType: 'CNY', openid: 'o-sim', subOpenid: 'o-sim', transactionId: expect.any(String), timeEnd: expect.stringMatching(/^\d{14}$/) })
  }
  expect(new Set(received.map((c: any) => c.event.transactionId)).size).toBe(1)
  expect((await pay('queryOrder', { outTradeNo: 'sim-1' })).body).toMatchObject({ tradeState: 'SUCCESS', transactionId: received[0].event.transactionId })
  expect((await pay('closeOrder', { outTradeNo: 'sim-1' })).body).toMatchObject({ resultCode: 'FAIL', errCode: 'ORDERPAID' })
})

test('refund once per outRefundNo, never more than was paid', async () => {
  const refund = { subMchId: '1900000109', nonceStr: 'n', outTradeNo: 'sim-1', outRefundNo: 'r-1', totalFee: 16800, refundFee: 10000 }
  const first = await pay('refund', refund)
  expect(first.body).toMatchObject({ resultCode: 'SUCCESS', refundId: expect.any(String) })
  expect((await pay('refund', refund)).body.refundId).toBe(first.body.refundId)
  expect((await pay('refund', { ...refund, outRefundNo: 'r-2' })).body).toMatchObject({ resultCode: 'FAIL' })
  expect((await pay('queryOrder', { outTradeNo: 'sim-1' })).body.tradeState).toBe('REFUND')
})

test('a closed order cannot be paid', async () => {
  await pay('unifiedOrder', { ...order, outTradeNo: 'sim-2' })
  expect((await pay('closeOrder', { outTradeNo: 'sim-2' })).body).toMatchObject({ resultCode: 'SUCCESS' })
  expect((await pay('confirm', { outTradeNo: 'sim-2' })).status).toBe(409)
  expect((await pay('unifiedOrder', { ...order, outTradeNo: 'sim-2' })).body).toMatchObject({ errCode: 'ORDERCLOSED' })
})
