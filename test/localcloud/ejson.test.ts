import { EJSON } from 'bson'
import { fromStored, toWire } from '../../localcloud/db/ejson'

/** Every kind of value a stored document holds, with the edge cases of each. */
const doc = {
  _id: 'd1',
  int: 7,
  big: 2 ** 40,
  beyondSafe: 2 ** 60,
  fraction: 0.1,
  negativeZero: -0,
  nan: NaN,
  infinity: Infinity,
  minusInfinity: -Infinity,
  text: 'quote " backslash \\ 中文 \u2028 \u0000',
  flag: true,
  nothing: null,
  at: new Date('2026-11-28T04:05:06.789Z'),
  beforeEpoch: new Date(-1),
  afterYear9999: new Date(Date.UTC(10000, 0, 1)),
  pattern: /^tea.*cup$/im,
  list: [1, 'two', null, [3.25, { deep: new Date(0) }]],
  nested: { a: { b: { c: -0 } } },
  empty: {},
}

describe('stored and answered documents (relaxed EJSON)', () => {
  test('a document reads back exactly as written, -0, NaN, the infinities and dates outside 1970-9999 included', () => {
    // toEqual compares numbers with Object.is: -0 is not 0, NaN is NaN
    expect(fromStored(toWire(doc))).toEqual(doc)
    expect(fromStored(toWire({ ...doc, negativeZero: 0 }))).not.toEqual(doc)
  })

  test('numbers are plain JSON numbers and dates ISO strings; only what JSON cannot say is wrapped', () => {
    const text = toWire({ n: 1, f: 0.5, at: new Date('2026-01-02T03:04:05.006Z'), z: -0, x: NaN })
    expect(JSON.parse(text)).toEqual({ n: 1, f: 0.5, at: { $date: '2026-01-02T03:04:05.006Z' }, z: { $numberDouble: '-0.0' }, x: { $numberDouble: 'NaN' } })
  })

  // bson's canonical form writes -0 as {"$numberInt": "0"}: the comparisons with it leave -0 out
  const { negativeZero: _negativeZero, nested: _nested, ...withoutNegativeZero } = doc

  test('the SDK (bson EJSON.parse) reads an answer as it reads the canonical form of the same document', () => {
    const canonical = EJSON.stringify(withoutNegativeZero, { relaxed: false })
    expect(EJSON.parse(toWire(withoutNegativeZero))).toEqual(EJSON.parse(canonical))
    expect(Object.is((EJSON.parse(toWire(doc)) as { negativeZero: number }).negativeZero, -0)).toBe(true)
  })

  test('documents stored canonically by earlier versions read the same', () => {
    expect(fromStored(EJSON.stringify(withoutNegativeZero, { relaxed: false }))).toEqual(fromStored(toWire(withoutNegativeZero)))
  })

  test('undefined fields are left out and undefined array items become null, as JSON does', () => {
    expect(fromStored(toWire({ a: undefined, b: [undefined, 1] }))).toEqual({ b: [null, 1] })
  })
})
