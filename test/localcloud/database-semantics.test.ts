import { Query as MingoQuery, aggregate as mingoAggregate, update as mingoUpdate } from 'mingo'
import { UPDATE_CONTEXT_CACHED, mingoUpdate as engineUpdate } from '../../localcloud/db/engine'
import type { DatabaseModule } from '../../localcloud/db/module'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'

/**
 * Our answers against the engine we delegate semantics to (mingo), on the same data, through
 * the real SDK: once on a collection without indexes and once on one with indexes on every
 * field queried, which must give identical answers.
 */

type AnyDoc = Record<string, any>

const DATA: AnyDoc[] = [
  { _id: 'd01', n: 1, s: 'apple', tags: ['red', 'fruit'], spec: { color: 'red', size: 2 }, at: new Date('2026-01-01T00:00:00Z'), ok: true },
  { _id: 'd02', n: 2.5, s: 'banana', tags: ['yellow', 'fruit'], spec: { color: 'yellow', size: 3 }, at: new Date('2026-02-01T00:00:00Z'), ok: false },
  { _id: 'd03', n: -7, s: 'Cherry', tags: [], spec: { color: 'red', size: 1 }, at: new Date('2025-12-24T00:00:00Z') },
  { _id: 'd04', n: '10', s: 'date', tags: ['brown'], spec: null, ok: true },
  { _id: 'd05', s: 'elderberry', tags: ['purple', 'berry'], items: [{ sku: 'a', qty: 2 }, { sku: 'b', qty: 5 }] },
  { _id: 'd06', n: null, s: 'fig', tags: 'solo', items: [{ sku: 'a', qty: 9 }] },
  { _id: 'd07', n: 42, s: 'grape', tags: ['green', 'fruit', 'berry'], spec: { color: 'green', size: 1 }, at: new Date('2026-03-01T00:00:00Z'), ok: true },
  { _id: 'd08', n: 0, s: '', tags: [['nested']], spec: { color: 'red' } },
  { _id: 'd09', n: 1e6, s: 'honeydew', tags: ['green'], at: new Date('2026-01-15T00:00:00Z'), ok: false },
  { _id: 'd10', n: -0.5, s: 'kiwi', tags: ['brown', 'fruit'], spec: { color: 'brown', size: 2 } },
]

let t: TestCloud

beforeAll(async () => {
  t = await startTestCloud()
  const store = t.cloud.module<DatabaseModule>('database').store
  await t.db.createCollection('scratch')
  for (const name of ['plain', 'indexed']) {
    await t.db.createCollection(name)
    await t.db.collection(name).add(DATA)
  }
  store.ensureIndexes('indexed', [
    { name: 'n_1', keys: [{ field: 'n', direction: 1 }] },
    { name: 's_desc', keys: [{ field: 's', direction: -1 }] },
    { name: 'tags_1', keys: [{ field: 'tags', direction: 1 }] },
    { name: 'color_size', keys: [{ field: 'spec.color', direction: 1 }, { field: 'spec.size', direction: -1 }] },
    { name: 'at_1', keys: [{ field: 'at', direction: 1 }] },
    { name: 'ok_n', keys: [{ field: 'ok', direction: 1 }, { field: 'n', direction: 1 }] },
    { name: 'items_sku', keys: [{ field: 'items.sku', direction: 1 }] },
  ])
})
afterAll(() => t.stop())

const ids = (docs: AnyDoc[]) => docs.map((d) => d._id)
const expectedIds = (filter: AnyDoc) => {
  const q = new MingoQuery(filter)
  return DATA.filter((d) => q.test(structuredClone(d))).map((d) => d._id)
}

describe('query operators match MongoDB semantics, with and without indexes', () => {
  const cases: Array<[string, (_: any, db: any) => AnyDoc, AnyDoc]> = [
    ['eq on a number', () => ({ n: 1 }), { n: 1 }],
    ['eq null matches missing and null', () => ({ n: null }), { n: null }],
    ['eq inside an array field', () => ({ tags: 'fruit' }), { tags: 'fruit' }],
    ['neq', (_) => ({ n: _.neq(1) }), { n: { $ne: 1 } }],
    ['gt across mixed types brackets to numbers', (_) => ({ n: _.gt(0) }), { n: { $gt: 0 } }],
    ['gte and lte range', (_) => ({ n: _.gte(-1).and(_.lte(2.5)) }), { n: { $gte: -1, $lte: 2.5 } }],
    ['lt on strings is binary order', (_) => ({ s: _.lt('banana') }), { s: { $lt: 'banana' } }],
    ['gt on strings', (_) => ({ s: _.gt('d') }), { s: { $gt: 'd' } }],
    ['in', (_) => ({ s: _.in(['apple', 'fig', 'nope']) }), { s: { $in: ['apple', 'fig', 'nope'] } }],
    ['nin', (_) => ({ s: _.nin(['apple', 'fig']) }), { s: { $nin: ['apple', 'fig'] } }],
    ['in on an array field', (_) => ({ tags: _.in(['green', 'purple']) }), { tags: { $in: ['green', 'purple'] } }],
    ['all', (_) => ({ tags: _.all(['fruit', 'green']) }), { tags: { $all: ['fruit', 'green'] } }],
    ['size', (_) => ({ tags: _.size(2) }), { tags: { $size: 2 } }],
    ['exists false', (_) => ({ at: _.exists(false) }), { at: { $exists: false } }],
    ['exists true', (_) => ({ spec: _.exists(true) }), { spec: { $exists: true } }],
    ['mod', (_) => ({ n: _.mod([2, 0]) }), { n: { $mod: [2, 0] } }],
    ['nested object flattens to dot paths', () => ({ spec: { color: 'red' } }), { 'spec.color': 'red' }],
    ['compound index prefix and range', (_) => ({ 'spec.color': 'red', 'spec.size': _.gte(2) }), { 'spec.color': 'red', 'spec.size': { $gte: 2 } }],
    ['elemMatch', (_) => ({ items: _.elemMatch({ sku: 'a', qty: _.gt(3) }) }), { items: { $elemMatch: { sku: 'a', qty: { $gt: 3 } } } }],
    ['dot path through an array of objects', () => ({ 'items.sku': 'b' }), { 'items.sku': 'b' }],
    ['or', (_) => _.or([{ n: 1 }, { s: 'fig' }]), { $or: [{ n: 1 }, { s: 'fig' }] }],
    ['and', (_) => _.and([{ tags: 'fruit' }, { n: _.gt(1) }]), { $and: [{ tags: 'fruit' }, { n: { $gt: 1 } }] }],
    ['nor', (_) => _.nor([{ ok: true }, { ok: false }]), { $nor: [{ ok: true }, { ok: false }] }],
    ['not', (_) => ({ n: _.not(_.gt(1)) }), { n: { $not: { $gt: 1 } } }],
    ['boolean equality and range on the next index field', (_) => ({ ok: true, n: _.gt(1) }), { ok: true, n: { $gt: 1 } }],
    ['date range', (_) => ({ at: _.gte(new Date('2026-01-01')).and(_.lt(new Date('2026-03-01'))) }), { at: { $gte: new Date('2026-01-01'), $lt: new Date('2026-03-01') } }],
    ['regexp', (_, db) => ({ s: db.RegExp({ regexp: '^[a-d]', options: 'i' }) }), { s: /^[a-d]/i }],
    ['JS RegExp', () => ({ s: /rr/ }), { s: /rr/ }],
  ]

  test.each(cases)('%s', async (_name, sdkQuery, mongo) => {
    const want = expectedIds(mongo).sort()
    for (const name of ['plain', 'indexed']) {
      const got = await t.db.collection(name).where(sdkQuery(t.db.command, t.db)).limit(1000).get()
      expect(ids(got.data).sort()).toEqual(want)
      const counted = await t.db.collection(name).where(sdkQuery(t.db.command, t.db)).count()
      expect(counted.total).toBe(want.length)
    }
  })

  test.each([
    ['n', 'asc'],
    ['n', 'desc'],
    ['s', 'asc'],
    ['s', 'desc'],
    ['at', 'desc'],
    ['tags', 'asc'],
  ] as const)('orderBy(%s, %s) sorts mixed types in MongoDB order, with and without an index', async (field, dir) => {
    const expected = mingoAggregate(structuredClone(DATA), [{ $sort: { [field]: dir === 'asc' ? 1 : -1, _id: 1 } }]).map((d) => d._id)
    for (const name of ['plain', 'indexed']) {
      const got = await t.db.collection(name).orderBy(field, dir).orderBy('_id', 'asc').get()
      expect(ids(got.data)).toEqual(expected)
    }
  })

  test('the indexed collection answers equality, range and sort from the index, not a scan', () => {
    const store = t.cloud.module<DatabaseModule>('database').store
    expect(store.explain('indexed', { n: 1 })).toMatchObject({ kind: 'index', index: { name: 'n_1' } })
    expect(store.explain('indexed', { n: { $gt: 5 } })).toMatchObject({ kind: 'index', index: { name: 'n_1' } })
    expect(store.explain('indexed', {}, [['s', -1]])).toMatchObject({ kind: 'index', index: { name: 's_desc' }, ordered: true, reverse: false })
    expect(store.explain('indexed', {}, [['s', 1]])).toMatchObject({ kind: 'index', ordered: true, reverse: true })
    expect(store.explain('indexed', { 'spec.color': 'red', 'spec.size': { $gte: 2 } })).toMatchObject({ kind: 'index', index: { name: 'color_size' } })
    expect(store.explain('indexed', { _id: 'd01' })).toMatchObject({ kind: 'ids' })
    expect(store.explain('plain', { n: 1 })).toEqual({ kind: 'scan' })
  })
})

describe('update operators match MongoDB semantics', () => {
  const BASE: AnyDoc = { n: 5, f: 1.5, arr: [1, 2, 3, 2], tags: ['a'], nested: { k: 1, keep: true }, gone: 'x', bits: 5 }
  const cases: Array<[string, (_: any) => AnyDoc, AnyDoc]> = [
    ['set (command)', (_) => ({ nested: _.set({ only: 1 }) }), { $set: { nested: { only: 1 } } }],
    ['plain fields merge by dot path', () => ({ nested: { k: 2 } }), { $set: { 'nested.k': 2 } }],
    ['remove', (_) => ({ gone: _.remove() }), { $unset: { gone: '' } }],
    ['inc', (_) => ({ n: _.inc(-2) }), { $inc: { n: -2 } }],
    ['mul', (_) => ({ f: _.mul(3) }), { $mul: { f: 3 } }],
    ['push', (_) => ({ tags: _.push(['b', 'c']) }), { $push: { tags: { $each: ['b', 'c'] } } }],
    ['push with position', (_) => ({ arr: _.push({ each: [9], position: 1 }) }), { $push: { arr: { $each: [9], $position: 1 } } }],
    ['unshift', (_) => ({ tags: _.unshift(['z']) }), { $push: { tags: { $each: ['z'], $position: 0 } } }],
    ['pop', (_) => ({ arr: _.pop() }), { $pop: { arr: 1 } }],
    ['shift', (_) => ({ arr: _.shift() }), { $pop: { arr: -1 } }],
    ['pull', (_) => ({ arr: _.pull(2) }), { $pull: { arr: 2 } }],
    ['pull with a condition', (_) => ({ arr: _.pull(_.gt(1)) }), { $pull: { arr: { $gt: 1 } } }],
    ['pullAll', (_) => ({ arr: _.pullAll([1, 3]) }), { $pullAll: { arr: [1, 3] } }],
    ['addToSet', (_) => ({ tags: _.addToSet('a') }), { $addToSet: { tags: 'a' } }],
    ['addToSet each', (_) => ({ tags: _.addToSet({ $each: ['a', 'q'] }) }), { $addToSet: { tags: { $each: ['a', 'q'] } } }],
    ['rename', (_) => ({ gone: _.rename('moved') }), { $rename: { gone: 'moved' } }],
    ['max', (_) => ({ n: _.max(9) }), { $max: { n: 9 } }],
    ['min', (_) => ({ n: _.min(2) }), { $min: { n: 2 } }],
  ]

  test.each(cases)('%s', async (_name, sdkUpdate, mongo) => {
    await t.db.collection('scratch').doc('upd').set(structuredClone(BASE))
    await t.db.collection('scratch').doc('upd').update(sdkUpdate(t.db.command))
    const expected = { _id: 'upd', ...structuredClone(BASE) }
    mingoUpdate(expected, mongo)
    expect((await t.db.collection('scratch').doc('upd').get()).data[0]).toEqual(expected)
  })
})

describe('the update context built once (engine) behaves as mingo building it per update', () => {
  const BASE: AnyDoc = { _id: 'x', n: 1, b: { c: [1, 2, { d: 3 }], e: 's' }, arr: [1, 2, 3, 2], holds: [{ id: 'h1', q: 1 }, { id: 'h2', q: 2 }], at: new Date(5) }
  const modifiers: AnyDoc[] = [
    { $set: { n: 2 } },
    { $set: { n: 1 } },
    { $inc: { n: 1, 'b.c.0': 5 }, $set: { 'b.e': 't' } },
    { $push: { arr: { $each: [9, 8], $sort: 1 } } },
    { $pull: { holds: { id: 'h1' } } },
    { $set: { 'holds.$[].q': 0 } },
    { $set: { 'holds.$[h].q': 7 } },
    { $rename: { n: 'z' } },
    { $max: { at: new Date(9) }, $min: { n: 0 } },
    { $unset: { 'b.e': '' }, $pop: { arr: -1 } },
    // refusals: conflicting paths across operators, unknown operators, bad arguments
    { $set: { n: 1 }, $inc: { n: 1 } },
    { $rename: { n: 'arr' }, $set: { arr: 1 } },
    { $bogus: { n: 1 } },
    { $inc: { n: 'x' } },
  ]

  test('it is in use, so the comparison below compares something', () => {
    expect(UPDATE_CONTEXT_CACHED).toBe(true)
  })

  test.each(modifiers.map((m) => [JSON.stringify(m), m]))('%s', (_name, modifier) => {
    const outcome = (run: (doc: AnyDoc, m: AnyDoc) => string[]) => {
      const doc = structuredClone(BASE)
      try {
        return { changed: run(doc, structuredClone(modifier)), doc }
      } catch (e) {
        return { error: (e as Error).message }
      }
    }
    expect(outcome(engineUpdate)).toEqual(outcome((doc, m) => mingoUpdate(doc, m)))
  })
})

describe('aggregation stages match MongoDB semantics', () => {
  test('match, addFields, unwind, group, sort, skip, limit, project, count and lookup', async () => {
    const _ = t.db.command
    const $ = _.aggregate
    await t.db.createCollection('colors')
    await t.db.collection('colors').add([{ name: 'red', hex: '#f00' }, { name: 'green', hex: '#0f0' }])

    const grouped = await t.db.collection('plain').aggregate()
      .match({ tags: _.exists(true) })
      .addFields({ score: $.ifNull(['$n', 0]) })
      .unwind('$tags')
      .group({ _id: '$tags', count: $.sum(1), total: $.sum('$score') })
      .sort({ count: -1, _id: 1 })
      .skip(1)
      .limit(4)
      .project({ _id: 0, tag: '$_id', count: 1, total: 1 })
      .end()
    const expected = mingoAggregate(structuredClone(DATA), [
      { $match: { tags: { $exists: true } } },
      { $addFields: { score: { $ifNull: ['$n', 0] } } },
      { $unwind: '$tags' },
      { $group: { _id: '$tags', count: { $sum: 1 }, total: { $sum: '$score' } } },
      { $sort: { count: -1, _id: 1 } },
      { $skip: 1 },
      { $limit: 4 },
      { $project: { _id: 0, tag: '$_id', count: 1, total: 1 } },
    ])
    expect(grouped.data).toEqual(expected)

    const counted = await t.db.collection('plain').aggregate().match({ ok: true }).count('n').end()
    expect(counted.data).toEqual([{ n: 3 }])

    const joined = await t.db.collection('plain').aggregate()
      .match({ _id: _.in(['d01', 'd07']) })
      .lookup({ from: 'colors', localField: 'spec.color', foreignField: 'name', as: 'color' })
      .project({ _id: 1, hex: '$color.hex' })
      .sort({ _id: 1 })
      .end()
    expect(joined.data).toEqual([{ _id: 'd01', hex: ['#f00'] }, { _id: 'd07', hex: ['#0f0'] }])
  })

  test('an aggregation without limit returns 20 rows, as CloudBase does; with limit, what it asks', async () => {
    await t.db.createCollection('many')
    await t.db.collection('many').add(Array.from({ length: 30 }, (_, i) => ({ i })))
    expect((await t.db.collection('many').aggregate().sort({ i: 1 }).end()).data).toHaveLength(20)
    expect((await t.db.collection('many').aggregate().sort({ i: 1 }).limit(25).end()).data).toHaveLength(25)
  })
})
