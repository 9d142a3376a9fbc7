/** Reading transaction logs and turning them into summaries: formats, store days, bad lines. */
import { dayNumber, readTransactionLog, storeDayOf, summarizeTransactions } from '../../domain/value'

describe('store days', () => {
  it('are calendar days in the store time zone, Asia/Shanghai by default', () => {
    expect(storeDayOf('2024-01-01T16:30:00Z')).toBe('2024-01-02')
    expect(storeDayOf('2024-01-01T15:59:59Z')).toBe('2024-01-01')
    expect(storeDayOf('2024-01-01T16:30:00Z', 'Europe/London')).toBe('2024-01-01')
    expect(storeDayOf(Date.UTC(2024, 5, 30, 23, 0))).toBe('2024-07-01')
  })

  it('accept YYYY-MM-DD and YYYYMMDD and reject impossible days', () => {
    expect(dayNumber('1997-01-01')).toBe(dayNumber('19970101'))
    expect(dayNumber('1970-01-02')).toBe(1)
    expect(() => dayNumber('1997-02-29')).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }))
  })
})

describe('csv logs', () => {
  it('read customer_id,date,amount in any column order, with quotes and instants turned into store days', () => {
    const text = 'amount,customer_id,date\n12.5,"a,1",2024-01-01\n3,b,20240102\n4,b,2024-01-02T17:00:00+00:00\n'
    expect(readTransactionLog(text, 'csv')).toEqual([
      { customerId: 'a,1', day: dayNumber('2024-01-01'), amount: 12.5 },
      { customerId: 'b', day: dayNumber('2024-01-02'), amount: 3 },
      { customerId: 'b', day: dayNumber('2024-01-03'), amount: 4 },
    ])
  })

  it.each([
    ['a missing header', 'id,date,amount\na,2024-01-01,3\n', 1, 'BAD_HEADER'],
    ['a bad date', 'customer_id,date,amount\na,2024-01-01,3\nb,2024-13-01,3\n', 3, 'INVALID_DATE'],
    ['a negative amount', 'customer_id,date,amount\na,2024-01-01,-3\n', 2, 'INVALID_AMOUNT'],
    ['a missing field', 'customer_id,date,amount\n\na,2024-01-01\n', 3, 'BAD_LINE'],
    ['an unterminated quote', 'customer_id,date,amount\n"a,2024-01-01,3\n', 2, 'BAD_LINE'],
  ])('report %s with its line number', (_name, text, line, code) => {
    expect(() => readTransactionLog(text, 'csv')).toThrow(expect.objectContaining({ code, line, message: expect.stringContaining(`line ${line}:`) }))
  })

  it('refuse a file without transactions', () => {
    expect(() => readTransactionLog('customer_id,date,amount\n', 'csv')).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }))
  })
})

describe('CDNOW logs', () => {
  it('read the sample format by sample id as a number, and the master format with its header', () => {
    expect(readTransactionLog(' 00004 0001 19970101  2   29.33\n', 'cdnow-sample')).toEqual([{ customerId: '1', day: dayNumber('1997-01-01'), amount: 29.33 }])
    expect(readTransactionLog('customer_id date n_cds dollars\n00001 19970101 1 11.77\n', 'cdnow-master')).toEqual([{ customerId: '00001', day: dayNumber('1997-01-01'), amount: 11.77 }])
  })

  it('report a short row, a bad CD count and a master file without header by line', () => {
    expect(() => readTransactionLog(' 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2\n', 'cdnow-sample')).toThrow(expect.objectContaining({ line: 2, code: 'BAD_LINE' }))
    expect(() => readTransactionLog(' 00004 0001 19970101 x 29.33\n', 'cdnow-sample')).toThrow(expect.objectContaining({ line: 1, code: 'BAD_LINE' }))
    expect(() => readTransactionLog('00001 19970101 1 11.77\n', 'cdnow-master')).toThrow(expect.objectContaining({ line: 1, code: 'BAD_HEADER' }))
  })
})

describe('summaries', () => {
  const day = (text: string) => dayNumber(text)
  const transactions = [
    { customerId: 'a', day: day('2024-01-01'), amount: 10 },
    { customerId: 'a', day: day('2024-01-01'), amount: 5 }, // same day: one purchase-day
    { customerId: 'a', day: day('2024-01-15'), amount: 20 },
    { customerId: 'a', day: day('2024-01-29'), amount: 40 },
    { customerId: 'a', day: day('2024-02-20'), amount: 7 }, // after the calibration end: holdout
    { customerId: 'b', day: day('2024-02-10'), amount: 9 }, // first purchase after the calibration end: not a customer yet
  ]
  const [a, ...others] = summarizeTransactions(transactions, { calibrationEnd: day('2024-01-31'), holdoutEnd: day('2024-03-31') })

  it('merge same-day purchases, count repeat purchase-days, and measure weeks as days / 7', () => {
    expect(others).toHaveLength(0)
    expect(a).toMatchObject({ id: 'a', x: 2, tx: 4, T: 30 / 7, meanRepeatSpend: 30, totalSpend: 75, holdoutPurchases: 1, holdoutSpend: 7 })
  })
})
