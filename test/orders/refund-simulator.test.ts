/** The simulated WeChat Pay's refund notifications: WeChat's fields and source, retried until errcode 0, held back on request. */
import path from 'node:path'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'

jest.setTimeout(30_000)

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud({ functionsDir: path.join(__dirname, '../fixtures/functions') })
})
afterAll(() => t.stop())

const pay = async (api: string, body: object) => {
  const res = await fetch(`${t.url}/_local/pay/${api}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as any }
}
const report = async () => ((await t.invoke('flakyRefundCallback', { report: true }, { source: 'scf' })) as any).received as any[]
const waitFor = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 400 && !(await check()); i++) await new Promise((r) => setTimeout(r, 25))
}

test('a refund named with a function is notified with the decrypted reqInfo, source wx_paycallback, retried until errcode 0', async () => {
  await pay('unifiedOrder', { functionName: 'whoami', envId: 'local', subMchId: '1900000109', nonceStr: 'n', body: 'tea', outTradeNo: 'rsim-1', totalFee: 5000, spbillCreateIp: '127.0.0.1', openid: 'o-rsim' })
  await pay('confirm', { outTradeNo: 'rsim-1', deliver: false })
  const refund = { subMchId: '1900000109', nonceStr: 'n', outTradeNo: 'rsim-1', outRefundNo: 'rsim-1-R1', totalFee: 5000, refundFee: 1200, functionName: 'flakyRefundCallback', envId: 'local' }
  const accepted = await pay('refund', refund)
  expect(accepted.body).toMatchObject({ resultCode: 'SUCCESS', refundId: expect.any(String), refundFee: 1200 })
  // delivered on its own, after the refund was accepted: busy, a throw, then accepted
  await waitFor(async () => (await report()).length >= 3)
  const received = await report()
  expect(received).toHaveLength(3)
  const payment = (await (await fetch(`${t.url}/_local/pay/payments/rsim-1`)).json()) as any
  for (const call of received) {
    expect(call).toMatchObject({ source: 'wx_paycallback', openid: null })
    expect(call.event).toMatchObject({
      returnCode: 'SUCCESS',
      subMchId: '1900000109',
      reqInfo: { transactionId: payment.transactionId, outTradeNo: 'rsim-1', refundId: accepted.body.refundId, outRefundNo: 'rsim-1-R1', totalFee: 5000, refundFee: 1200, settlementRefundFee: 1200, refundStatus: 'SUCCESS', successTime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) },
    })
  }
  expect(payment.refunds).toEqual([expect.objectContaining({ outRefundNo: 'rsim-1-R1', delivered: true, deliveries: 3 })])
})

test('held notifications wait for notifyRefund; the same refund number never refunds twice', async () => {
  await pay('refundNotifications', { hold: true })
  const refund = { subMchId: '1900000109', nonceStr: 'n', outTradeNo: 'rsim-1', outRefundNo: 'rsim-1-R2', totalFee: 5000, refundFee: 3800, functionName: 'flakyRefundCallback', envId: 'local' }
  const before = (await report()).length
  expect((await pay('refund', refund)).body).toMatchObject({ resultCode: 'SUCCESS' })
  expect((await pay('refund', refund)).body).toMatchObject({ resultCode: 'SUCCESS' })
  await new Promise((r) => setTimeout(r, 100))
  expect((await report()).length).toBe(before)
  await pay('refundNotifications', { hold: false })
  expect((await pay('notifyRefund', { outRefundNo: 'rsim-1-R2' })).body).toMatchObject({ delivered: true })
  expect((await report()).length).toBe(before + 1)
  // everything is refunded now: any other number is refused
  expect((await pay('refund', { ...refund, outRefundNo: 'rsim-1-R3', refundFee: 1 })).body).toMatchObject({ resultCode: 'FAIL' })
  expect((await pay('notifyRefund', { outRefundNo: 'nope' })).status).toBe(404)
})
