import { startTestCloud, type TestCloud } from '../helpers/local-cloud'

let t: TestCloud

beforeAll(async () => {
  t = await startTestCloud()
  await t.db.createCollection('items')
})
afterAll(() => t.stop())

const items = () => t.db.collection('items')

describe('database reply shapes through the real SDK', () => {
  test('add one answers {id}; add many answers {ids}; doc().get answers an array, empty when missing', async () => {
    const one = await items().add({ name: 'tea', priceFen: 1990 })
    expect(typeof one.id).toBe('string')
    const many = await items().add([{ name: 'cup', priceFen: 500 }, { name: 'pot', priceFen: 8800 }])
    expect(many.ids).toHaveLength(2)

    const got = await items().doc(one.id!).get()
    expect(got.data).toEqual([{ _id: one.id, name: 'tea', priceFen: 1990 }])
    expect((await items().doc('missing').get()).data).toEqual([])
  })

  test('where().get() honours order, skip, limit and field projection', async () => {
    await t.db.createCollection('shelf')
    await t.db.collection('shelf').add([1, 2, 3, 4, 5].map((n) => ({ n, label: `n${n}`, hidden: true })))
    const page = await t.db.collection('shelf').where({ n: t.db.command.gte(2) }).orderBy('n', 'desc').skip(1).limit(2).field({ n: true }).get()
    expect(page.data.map((d: { n: number }) => d.n)).toEqual([4, 3])
    expect(Object.keys(page.data[0]).sort()).toEqual(['_id', 'n'])
  })

  test('update() merges nested fields by dot path; set() replaces the document', async () => {
    const id = (await items().add({ name: 'box', spec: { color: 'red', size: 'L' } })).id!
    expect((await items().doc(id).update({ spec: { color: 'blue' } })).updated).toBe(1)
    expect((await items().doc(id).get()).data[0].spec).toEqual({ color: 'blue', size: 'L' })

    const replaced = await items().doc(id).set({ name: 'box v2' })
    expect(replaced).toMatchObject({ updated: 1, upsertedId: null })
    expect((await items().doc(id).get()).data[0]).toEqual({ _id: id, name: 'box v2' })
  })

  test('set() on a missing document upserts it under that id', async () => {
    const res = await items().doc('fresh-id').set({ name: 'new' })
    expect(res).toMatchObject({ updated: 0, upsertedId: 'fresh-id' })
    expect((await items().doc('fresh-id').get()).data).toEqual([{ _id: 'fresh-id', name: 'new' }])
  })

  test('where().update() is multi by default and single with options({multiple:false})', async () => {
    await t.db.createCollection('flags')
    await t.db.collection('flags').add([{ g: 1 }, { g: 1 }, { g: 1 }])
    expect((await t.db.collection('flags').where({ g: 1 }).update({ seen: true })).updated).toBe(3)
    const single = await t.db.collection('flags').where({ g: 1 }).options({ multiple: false }).update({ once: true })
    expect(single.updated).toBe(1)
    expect((await t.db.collection('flags').where({ once: true }).count()).total).toBe(1)
  })

  test('remove() by doc and by where answers {deleted}', async () => {
    await t.db.createCollection('bin')
    const { ids } = await t.db.collection('bin').add([{ k: 'a' }, { k: 'b' }, { k: 'b' }])
    expect((await t.db.collection('bin').doc(ids![0]).remove()).deleted).toBe(1)
    expect((await t.db.collection('bin').where({ k: 'b' }).remove()).deleted).toBe(2)
    expect((await t.db.collection('bin').count()).total).toBe(0)
  })

  test('updateAndReturn() returns the updated document, or null when nothing matched', async () => {
    await t.db.createCollection('seq')
    await t.db.collection('seq').add({ _id: 'order-no', value: 41 })
    const res = await t.db.collection('seq').where({ _id: 'order-no' }).updateAndReturn({ value: t.db.command.inc(1) })
    expect(res).toMatchObject({ updated: 1, doc: { _id: 'order-no', value: 42 } })
    const none = await t.db.collection('seq').where({ _id: 'nope' }).updateAndReturn({ value: 1 })
    expect(none).toMatchObject({ updated: 0, doc: null })
  })

  test('reads return 100 documents by default and at most 1000', async () => {
    await t.db.createCollection('bulk')
    for (let i = 0; i < 11; i++) await t.db.collection('bulk').add(Array.from({ length: 100 }, (_, j) => ({ i: i * 100 + j })))
    expect((await t.db.collection('bulk').get()).data).toHaveLength(100)
    expect((await t.db.collection('bulk').limit(5000).get()).data).toHaveLength(1000)
    expect((await t.db.collection('bulk').count()).total).toBe(1100)
  })

  test('dates round-trip as Date and db.serverDate() takes the local clock', async () => {
    await t.db.createCollection('times')
    const when = new Date('2026-01-02T03:04:05.678Z')
    t.cloud.clock.advance(24 * 3600 * 1000)
    const before = t.cloud.clock.now()
    const id = (await t.db.collection('times').add({ when, at: t.db.serverDate(), later: t.db.serverDate({ offset: 60_000 }) })).id!
    const [doc] = (await t.db.collection('times').doc(id).get()).data
    expect(doc.when).toEqual(when)
    expect(doc.at).toBeInstanceOf(Date)
    expect(doc.at.getTime()).toBeGreaterThanOrEqual(before)
    expect(doc.at.getTime()).toBeGreaterThan(Date.now() + 23 * 3600 * 1000)
    expect(doc.later.getTime() - doc.at.getTime()).toBe(60_000)
    const found = await t.db.collection('times').where({ when: t.db.command.gt(new Date('2026-01-01')) }).get()
    expect(found.data).toHaveLength(1)
  })

  test('every kind of value reads back as written: get, updateAndReturn, a transaction, aggregate', async () => {
    await t.db.createCollection('values')
    const values = {
      int: 7,
      big: 2 ** 40,
      beyondSafe: 2 ** 60,
      fraction: 0.1,
      negative: -3.5,
      nan: NaN,
      infinity: Infinity,
      minusInfinity: -Infinity,
      text: 'quote " backslash \\ 中文 \u2028',
      flag: false,
      nothing: null,
      at: new Date('2026-11-28T04:05:06.789Z'),
      wholeSecond: new Date('2026-11-28T04:05:06.000Z'),
      beforeEpoch: new Date(-86_400_000 - 1),
      afterYear9999: new Date(Date.UTC(10000, 0, 1)),
      list: [1, 'two', null, [3.25, { deep: new Date(0) }]],
      nested: { a: { b: { c: 1 } } },
      empty: {},
      none: [],
    }
    const expectSame = (doc: Record<string, unknown>) => {
      for (const [key, value] of Object.entries(values)) {
        if (typeof value === 'number') expect([key, Object.is(doc[key], value)]).toEqual([key, true])
        else expect([key, doc[key]]).toEqual([key, value])
      }
    }
    await t.db.collection('values').doc('v').set({ ...values, pattern: /^tea.*cup$/im })
    const [got] = (await t.db.collection('values').doc('v').get()).data
    expectSame(got)
    const returned = await t.db.collection('values').where({ _id: 'v' }).updateAndReturn({ touched: 1 })
    expectSame(returned.doc)
    const inTransaction = await t.db.runTransaction(async (tx: any) => (await tx.collection('values').doc('v').get()).data)
    expectSame(inTransaction)
    expectSame((await t.db.collection('values').aggregate().match({ _id: 'v' }).end()).data[0])
    // the SDK answers a regular expression as bson's BSONRegExp, whatever the form on the wire
    expect(got.pattern).toMatchObject({ pattern: '^tea.*cup$', options: 'im' })
    // and the queries still match the stored values by type
    expect((await t.db.collection('values').where({ beyondSafe: 2 ** 60, at: values.at, fraction: 0.1 }).count()).total).toBe(1)
  })

  test('createCollection twice is refused; a missing collection throws DATABASE_COLLECTION_NOT_EXIST', async () => {
    await expect(t.db.createCollection('items')).rejects.toMatchObject({ code: 'DATABASE_COLLECTION_ALREADY_EXIST' })
    await expect(t.db.collection('no_such').get()).rejects.toMatchObject({ code: 'DATABASE_COLLECTION_NOT_EXIST' })
    await expect(t.db.collection('no_such').add({ a: 1 })).rejects.toMatchObject({ code: 'DATABASE_COLLECTION_NOT_EXIST' })
  })

  test('a batch insert with a duplicate _id writes nothing', async () => {
    await t.db.createCollection('dupes')
    await t.db.collection('dupes').add({ _id: 'a', n: 1 })
    await expect(t.db.collection('dupes').add([{ _id: 'b' }, { _id: 'a' }])).rejects.toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' })
    expect((await t.db.collection('dupes').count()).total).toBe(1)
  })

  test('geo and $text are refused with OPERATION_NOT_SUPPORTED, never answered wrongly', async () => {
    const _ = t.db.command
    await expect(items().where({ loc: _.geoNear({ geometry: new t.db.Geo.Point(113.3, 23.1), maxDistance: 10 }) }).get()).rejects.toMatchObject({ code: 'OPERATION_NOT_SUPPORTED' })
    await expect(items().aggregate().match({ $text: { $search: 'tea' } }).end()).rejects.toMatchObject({ code: 'OPERATION_NOT_SUPPORTED' })
  })

  test('an invalid update is refused and changes nothing', async () => {
    const id = (await items().add({ name: 'stable', n: 1 })).id!
    await expect(items().doc(id).update({ name: t.db.command.inc(1) })).rejects.toMatchObject({ code: 'INVALID_PARAM' })
    expect((await items().doc(id).get()).data[0]).toEqual({ _id: id, name: 'stable', n: 1 })
  })
})
