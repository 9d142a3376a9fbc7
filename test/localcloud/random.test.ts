import { randomHex } from '../../localcloud/random'

describe('randomHex', () => {
  test('gives the asked number of random bytes as hex, across refills of its pool, never repeating', () => {
    const seen = new Set<string>()
    // 16-byte ids over three 4 KB pools, and odd sizes that straddle a refill
    for (let i = 0; i < 800; i++) {
      const bytes = i % 7 === 0 ? 13 : 16
      const hex = randomHex(bytes)
      expect(hex).toMatch(new RegExp(`^[0-9a-f]{${bytes * 2}}$`))
      seen.add(hex)
    }
    expect(seen.size).toBe(800)
  })

  test('refuses more than a pool holds', () => {
    expect(() => randomHex(4097)).toThrow(RangeError)
  })
})
