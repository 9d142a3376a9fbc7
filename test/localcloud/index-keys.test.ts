import vm from 'node:vm'
import fc from 'fast-check'
import { compare as mingoCompare } from 'mingo/util'
import { documentKeys, encodeComponent, valuesAtPath, type IndexField } from '../../localcloud/db/keys'

/**
 * The local cloud's index keys: SQLite orders them bytewise, so the bytes must order values the
 * way MongoDB does, and a document must have exactly one key per distinct combination of its
 * indexed values (several for arrays: a multikey index).
 */

const field = (name: string, descending = false): IndexField => ({ field: name, path: name.split('.'), descending })
const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0)

const scalar = fc.oneof(
  fc.double({ noNaN: true }),
  fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
  fc.constantFrom(0, -0, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.date({ noInvalidDate: true }),
)

describe('index keys', () => {
  test('one value orders as MongoDB orders it, ascending and descending', () => {
    fc.assert(
      fc.property(scalar, scalar, (a, b) => {
        const expected = sign(mingoCompare(a, b))
        const up = Buffer.from(encodeComponent(a, false)).compare(Buffer.from(encodeComponent(b, false)))
        const down = Buffer.from(encodeComponent(a, true)).compare(Buffer.from(encodeComponent(b, true)))
        expect(sign(up)).toBe(expected)
        expect(sign(down)).toBe(expected === 0 ? 0 : -expected)
      }),
      { numRuns: 2000 },
    )
  })

  test('NaN sorts below every other number, as in MongoDB (mingo compares it as unordered)', () => {
    const key = (v: unknown) => Buffer.from(encodeComponent(v, false))
    for (const n of [-Infinity, -Number.MAX_VALUE, -1, 0, Number.MIN_VALUE, Infinity]) expect(key(Number.NaN).compare(key(n))).toBe(-1)
    expect(key(null).compare(key(Number.NaN))).toBe(-1)
  })

  test('a document has one key per distinct combination of its values, each the concatenation of its components', () => {
    const element = fc.record({ at: scalar, n: scalar }, { requiredKeys: [] })
    const doc = fc.record({ tag: fc.oneof(scalar, fc.array(scalar, { maxLength: 6 })), holds: fc.array(element, { maxLength: 8 }) }, { requiredKeys: [] })
    fc.assert(
      fc.property(doc, fc.boolean(), (d, descending) => {
        const fields = [field('tag', descending), field('holds.at')]
        // the definition, spelled out: every combination, encoded, then the distinct ones
        const combos = valuesAtPath(d, fields[0].path).flatMap((a) => valuesAtPath(d, fields[1].path).map((b) => [a, b]))
        const expected = new Set(combos.map(([a, b]) => Buffer.from([...encodeComponent(a, descending), ...encodeComponent(b, false)]).toString('hex')))
        const { keys, multikey } = documentKeys(d, fields)
        const got = keys.map((k) => k.toString('hex'))
        expect(new Set(got).size).toBe(got.length)
        expect(new Set(got)).toEqual(expected)
        expect(multikey).toBe(combos.length > 1 || valuesAtPath(d, fields[0].path).length > 1 || valuesAtPath(d, fields[1].path).length > 1)
      }),
      { numRuns: 1000 },
    )
  })

  test("a Date or RegExp from another realm (structuredClone under jest's vm) keys as one of ours", () => {
    const foreign = vm.runInNewContext('({ at: new Date(1764288000000), re: /tea/i })') as { at: Date; re: RegExp }
    expect(foreign.at instanceof Date).toBe(false)
    for (const name of ['at', 're'] as const) {
      const ours = { at: new Date(1764288000000), re: /tea/i }[name]
      expect(documentKeys(foreign, [field(name)]).keys).toEqual(documentKeys({ [name]: ours }, [field(name)]).keys)
    }
  })

  test('equal values in an array make one key, -0 and 0 included', () => {
    const at = new Date('2026-11-28T00:00:00Z')
    const { keys, multikey } = documentKeys({ holds: [{ at }, { at: new Date(at) }, { at: 0 }, { at: -0 }] }, [field('holds.at')])
    expect(keys).toHaveLength(2)
    expect(multikey).toBe(true)
  })
})
