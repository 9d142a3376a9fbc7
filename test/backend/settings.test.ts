import { DEFAULT_STORE_SETTINGS, storeSettingsFrom } from '../../backend/settings'

describe('store settings', () => {
  it('fills a missing document with the defaults', () => {
    expect(storeSettingsFrom(undefined)).toEqual(DEFAULT_STORE_SETTINGS)
  })

  it('keeps valid fields and replaces malformed ones field by field', () => {
    const s = storeSettingsFrom({
      shipping: { flatFeeFen: 800, freeFromFen: null },
      commission: { rateBps: 1500, coolingOffDays: '7' },
      value: { marginBps: 20000, annualDiscountBps: 1000 },
      autoCompleteDays: 15,
    })
    expect(s).toEqual({
      shipping: { flatFeeFen: 800, freeFromFen: null },
      commission: { rateBps: 1500, coolingOffDays: DEFAULT_STORE_SETTINGS.commission.coolingOffDays },
      value: { marginBps: DEFAULT_STORE_SETTINGS.value.marginBps, annualDiscountBps: 1000 },
      autoCompleteDays: 15,
    })
  })
})
