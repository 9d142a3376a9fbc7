/** The owner pages' pure parts: the parsers (yuan, percent, days), the rule labels, the partial change, the refit in words. */
import { OWNER_ENTRIES, ownerErrorView, toHubView } from '../../miniprogram/owner/index/hub-view'
import { approveConfirmText, policyConfirmText, toPolicyView, toSellersView } from '../../miniprogram/owner/sellers/sellers-view'
import {
  bindingRuleHelp,
  bindingRuleLabel,
  bindingView,
  bpsToPercentText,
  fenToYuanText,
  formToChange,
  parsePercentToBps,
  parseWholeNumber,
  toForm,
  toRefitView,
  type SettingsForm,
} from '../../miniprogram/owner/settings/settings-view'
import { ApiError } from '../../miniprogram/services/transport'
import { parseYuanToFen } from '../../miniprogram/utils/money'
import type { SellerListItem } from '../../typings/referral'
import type { AllSettings, RefitJobView } from '../../typings/store'

function makeSettings(): AllSettings {
  return {
    store: {
      shipping: { flatFeeFen: 1000, freeFromFen: 9900 },
      commission: { rateBps: 1000, coolingOffDays: 7 },
      value: { marginBps: 3000, annualDiscountBps: 1500 },
      autoCompleteDays: 10,
    },
    referral: { mode: 'firstTouchWindow', windowDays: 30, sharePolicy: 'sellersOnly' },
  }
}

const formWith = (overrides: Partial<SettingsForm>, settings = makeSettings()): SettingsForm => ({ ...toForm(settings), ...overrides })

describe('parseYuanToFen: what an owner types in yuan, as fen', () => {
  test.each([
    ['12', 1200],
    ['0', 0],
    ['0.5', 50],
    ['0.05', 5],
    ['9.90', 990],
    [' 99 ', 9900],
    ['1000000', 100_000_000],
    ['19.99', 1999], // exact: no floating point on the way
    ['0.29', 29],
  ])('%j → %d fen', (text, fen) => {
    expect(parseYuanToFen(text)).toBe(fen)
  })

  test.each(['', ' ', '-1', '+1', '1.234', '1.', '.5', '1e3', '1,000', '¥10', 'abc', '1 0', 'NaN', 'Infinity', '0x10', '99999999999999999999'])('%j is refused', (text) => {
    expect(parseYuanToFen(text)).toBeNull()
  })
})

describe('percent entered, basis points sent', () => {
  test.each([
    ['10', 1000],
    ['12.5', 1250],
    ['12.34', 1234],
    ['0.01', 1],
    ['100', 10_000],
    ['0', 0],
  ])('%j%% → %d bps', (text, bps) => {
    expect(parsePercentToBps(text)).toBe(bps)
  })

  test.each(['', '-5', '1.005', '5%', 'ten', '1e2'])('%j is refused', (text) => {
    expect(parsePercentToBps(text)).toBeNull()
  })

  test.each([0, 1, 10, 1000, 1250, 1234, 10_000, 1505])('%d bps round-trips through the text the form shows', (bps) => {
    expect(parsePercentToBps(bpsToPercentText(bps))).toBe(bps)
  })

  test('the form shows plain numbers', () => {
    expect([bpsToPercentText(1000), bpsToPercentText(1250), bpsToPercentText(1), bpsToPercentText(1505)]).toEqual(['10', '12.5', '0.01', '15.05'])
    expect(fenToYuanText(9900)).toBe('99.00')
    expect(parseWholeNumber(' 7 ')).toBe(7)
    expect([parseWholeNumber('7.5'), parseWholeNumber('-1'), parseWholeNumber('')]).toEqual([null, null, null])
  })
})

describe('the binding rule in words', () => {
  test('labels', () => {
    expect(bindingRuleLabel('permanentFirstTouch', 30)).toBe('永久首次')
    expect(bindingRuleLabel('firstTouchWindow', 30)).toBe('首次 30 天内有效')
    expect(bindingRuleLabel('firstTouchWindow', '')).toBe('首次 N 天内有效')
    expect(bindingRuleLabel('lastTouch', 30)).toBe('最后一次')
  })

  test('help says what happens when another seller\'s share is opened', () => {
    expect(bindingRuleHelp('permanentFirstTouch', 30)).toContain('永远')
    expect(bindingRuleHelp('firstTouchWindow', 14)).toContain('14 天内打开其他销售员的分享不会改绑')
    expect(bindingRuleHelp('lastTouch', 30)).toContain('最近一次')
  })

  test('the chips mark the chosen mode and the window input shows only for the window rule', () => {
    const v = bindingView('firstTouchWindow', '14')
    expect(v.modeOptions.map((o) => o.label)).toEqual(['永久首次', '首次 14 天内有效', '最后一次'])
    expect(v.modeOptions.filter((o) => o.selected).map((o) => o.value)).toEqual(['firstTouchWindow'])
    expect(v.showWindow).toBe(true)
    expect(bindingView('lastTouch', '14').showWindow).toBe(false)
  })
})

describe('the change sent on save: only what changed', () => {
  test('the form of the settings in force changes nothing', () => {
    expect(formToChange(toForm(makeSettings()), makeSettings())).toEqual({ ok: true, change: null })
  })

  test('a value typed differently but equal is no change', () => {
    expect(formToChange(formWith({ commissionPercent: '10.00', flatFeeYuan: '10', windowDays: ' 30 ' }), makeSettings())).toEqual({ ok: true, change: null })
  })

  test('one field of a group is sent alone', () => {
    expect(formToChange(formWith({ commissionPercent: '12.5' }), makeSettings())).toEqual({ ok: true, change: { store: { commission: { rateBps: 1250 } } } })
  })

  test('fields of several groups and the binding rule together', () => {
    const form = formWith({ mode: 'lastTouch', flatFeeYuan: '12', freeFromYuan: '200', marginPercent: '35', autoCompleteDays: '14' })
    expect(formToChange(form, makeSettings())).toEqual({
      ok: true,
      change: {
        store: { shipping: { flatFeeFen: 1200, freeFromFen: 20_000 }, value: { marginBps: 3500 }, autoCompleteDays: 14 },
        referral: { mode: 'lastTouch' },
      },
    })
  })

  test('turning free shipping off sends null; turning it on sends the threshold', () => {
    expect(formToChange(formWith({ freeShipping: false }), makeSettings())).toEqual({ ok: true, change: { store: { shipping: { freeFromFen: null } } } })
    const never = makeSettings()
    never.store.shipping.freeFromFen = null
    expect(toForm(never)).toMatchObject({ freeShipping: false, freeFromYuan: '' })
    expect(formToChange(formWith({ freeShipping: true, freeFromYuan: '88.8' }, never), never)).toEqual({ ok: true, change: { store: { shipping: { freeFromFen: 8880 } } } })
  })

  test('the window days count only under the window rule', () => {
    expect(formToChange(formWith({ windowDays: '7' }), makeSettings())).toEqual({ ok: true, change: { referral: { windowDays: 7 } } })
    // hidden under another rule: neither checked nor sent
    expect(formToChange(formWith({ mode: 'permanentFirstTouch', windowDays: 'abc' }), makeSettings())).toEqual({ ok: true, change: { referral: { mode: 'permanentFirstTouch' } } })
  })

  test.each<[Partial<SettingsForm>, string, RegExp]>([
    [{ flatFeeYuan: '-1' }, 'flatFeeYuan', /运费/],
    [{ flatFeeYuan: '1.234' }, 'flatFeeYuan', /两位小数/],
    [{ flatFeeYuan: '1000.01' }, 'flatFeeYuan', /0-1000 元/],
    [{ freeFromYuan: '' }, 'freeFromYuan', /包邮门槛/],
    [{ commissionPercent: '100.5' }, 'commissionPercent', /佣金比例/],
    [{ commissionPercent: '' }, 'commissionPercent', /佣金比例/],
    [{ coolingOffDays: '91' }, 'coolingOffDays', /冷静期/],
    [{ coolingOffDays: '2.5' }, 'coolingOffDays', /冷静期/],
    [{ windowDays: '0' }, 'windowDays', /保护天数/],
    [{ windowDays: '366' }, 'windowDays', /保护天数/],
    [{ marginPercent: 'abc' }, 'marginPercent', /毛利率/],
    [{ annualDiscountPercent: '0' }, 'annualDiscountPercent', /年折现率/],
    [{ autoCompleteDays: '0' }, 'autoCompleteDays', /自动确认收货/],
    [{ autoCompleteDays: '61' }, 'autoCompleteDays', /自动确认收货/],
  ])('%j is refused with a message (field %s), nothing to send', (overrides, field, message) => {
    const result = formToChange(formWith(overrides), makeSettings())
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.field).toBe(field)
    expect(result.message).toMatch(message)
  })

  test('the bounds are the store function\'s own (the extremes pass)', () => {
    const form = formWith({ flatFeeYuan: '1000', freeFromYuan: '1000000', commissionPercent: '100', coolingOffDays: '0', windowDays: '365', marginPercent: '0', annualDiscountPercent: '0.01', autoCompleteDays: '60' })
    expect(formToChange(form, makeSettings())).toEqual({
      ok: true,
      change: {
        store: {
          shipping: { flatFeeFen: 100_000, freeFromFen: 100_000_000 },
          commission: { rateBps: 10_000, coolingOffDays: 0 },
          value: { marginBps: 0, annualDiscountBps: 1 },
          autoCompleteDays: 60,
        },
        referral: { windowDays: 365 },
      },
    })
  })
})

describe('the refit in words', () => {
  const job = (overrides: Partial<RefitJobView> = {}): RefitJobView => ({
    jobId: 'r1',
    trigger: 'owner',
    phase: 'done',
    modelVersion: 'r1',
    rescored: 52,
    skipped: 1,
    referrers: 4,
    runs: 2,
    startedAt: '2026-11-27T13:00:00.000Z',
    updatedAt: '2026-11-27T13:01:00.000Z',
    finishedAt: '2026-11-27T13:01:00.000Z',
    ...overrides,
  })
  const model = { version: 'r1', source: 'fit' as const, fittedAt: '2026-11-27', customers: 53, repeatCustomers: 20 }

  test('before any refit', () => {
    expect(toRefitView(null, null, null)).toEqual({ modelRows: [], refitRunning: false, refitText: '还没有拟合过价值模型' })
  })

  test('a running job shows its phase and progress', () => {
    const v = toRefitView(job({ phase: 'rescore', rescored: 120, finishedAt: null }), model, makeSettings())
    expect(v.refitRunning).toBe(true)
    expect(v.refitText).toBe('正在为顾客重新评分 · 已评分 120 位')
  })

  test('a finished job and the model with its parameters', () => {
    const v = toRefitView(job(), model, makeSettings())
    expect(v.refitRunning).toBe(false)
    expect(v.refitText).toMatch(/^上次拟合：11月2[78]日 周[五六] \d{2}:01 完成（店主发起），评分 52 位，推荐价值 4 位$/)
    expect(Object.fromEntries(v.modelRows.map((r) => [r.key, r.value]))).toEqual({
      fittedAt: '2026年11月27日',
      source: '用本店的购买记录拟合',
      customers: '53 位（回头客 20 位）',
      scoring: '毛利率 30%，年折现率 15%',
      version: 'r1',
    })
    expect(toRefitView(job({ trigger: 'nightly' }), model, null).refitText).toContain('夜间自动')
  })
})

describe('sellers', () => {
  const seller = (overrides: Partial<SellerListItem>): SellerListItem => ({ sellerId: 's_x', openid: 'o-x', name: '小店', status: 'active', shortCode: 'Abc12345', createdAt: '2026-11-01T02:00:00.000Z', customers: 0, ...overrides })

  test('applicants apart from sellers, status in Chinese, the share code and the date that matters', () => {
    const v = toSellersView(
      [
        seller({ sellerId: 's_w', name: '王', status: 'pending', shortCode: 'Wang1234', createdAt: '2026-11-20T02:00:00.000Z' }),
        seller({ sellerId: 's_l', name: '林', approvedAt: '2026-11-02T02:00:00.000Z', customers: 12 }),
      ],
      'sellersOnly',
    )
    expect(v.applicants).toEqual([{ sellerId: 's_w', name: '王', status: 'pending', statusText: '待审核', shortCode: 'Wang1234', dateText: '2026年11月20日 申请', figuresText: '' }])
    expect(v.sellers).toEqual([{ sellerId: 's_l', name: '林', status: 'active', statusText: '已通过', shortCode: 'Abc12345', dateText: '2026年11月2日 通过', figuresText: '客户 12 位' }])
  })

  test('the share policy switch and what it means for credit', () => {
    const only = toPolicyView('sellersOnly')
    expect(only.policyOptions).toEqual([
      { value: 'sellersOnly', label: '仅销售员', selected: true },
      { value: 'everyone', label: '所有人都可分享', selected: false },
    ])
    expect(only.policyExplanation).toContain('转发的人不得佣金')
    expect(toPolicyView('everyone').policyExplanation).toContain('自动成为销售员')
    expect(toSellersView([], 'everyone').oneLevelNote).toContain('一级')
    expect(policyConfirmText('everyone').title).toBe('改为「所有人都可分享」')
    expect(approveConfirmText('王').content).toContain('「王」')
  })
})

describe('hub', () => {
  test('every owner page is an entry, sellers with the applications waiting', () => {
    const v = toHubView({ pendingSellers: 2, model: null })
    expect(v.entries.map((e) => e.title)).toEqual(['商品与库存', '待发货订单', '退款审核', '佣金提现', '销售员', '全部顾客', '店铺设置'])
    expect(v.entries.map((e) => e.url)).toEqual(OWNER_ENTRIES.map((e) => e.url))
    expect(v.entries.find((e) => e.key === 'sellers')!.badge).toBe('2 人待审核')
    expect(v.entries.filter((e) => e.badge)).toHaveLength(1)
    expect(Object.fromEntries(v.figures.map((f) => [f.key, f.value]))).toEqual({ pendingSellers: '2', customers: '—', repeatCustomers: '—', fittedAt: '尚未拟合' })
    expect(toHubView({ pendingSellers: 100, model: null }).figures[0].value).toBe('100+')
    expect(toHubView({ pendingSellers: 0, model: null }).entries.every((e) => !e.badge)).toBe(true)
  })

  test('orders to ship and refunds to decide are badges on their entries (none at zero)', () => {
    const v = toHubView({ pendingSellers: 0, model: null, toShip: 3, refundsWaiting: 1 })
    expect(Object.fromEntries(v.entries.filter((e) => e.badge).map((e) => [e.key, e.badge]))).toEqual({ orders: '3 单待发货', refunds: '1 单售后中' })
    expect(toHubView({ pendingSellers: 0, model: null, toShip: 0, refundsWaiting: 0 }).entries.every((e) => !e.badge)).toBe(true)
  })

  test('a refusal cannot be retried away; a failure can', () => {
    expect(ownerErrorView(new ApiError('FORBIDDEN', 'not the owner'))).toEqual({ status: 'error', errorMessage: '你没有权限进行此操作', canRetry: false })
    expect(ownerErrorView(new ApiError('INTERNAL', 'boom'))).toEqual({ status: 'error', errorMessage: '网络开小差了，请稍后重试', canRetry: true })
    expect(ownerErrorView(new Error('raw')).canRetry).toBe(true)
  })
})
