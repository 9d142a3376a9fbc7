import { startTestCloud, type TestCloud } from '../helpers/local-cloud'

let t: TestCloud

beforeAll(async () => {
  t = await startTestCloud()
  await t.db.createCollection('safe')
  await t.db.collection('safe').add({ _id: 'keep', n: 1 })
})
afterAll(() => t.stop())

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const admin = (payload: object) => post('/admin', JSON.stringify(payload))

async function stillServing() {
  const res = await t.db.collection('safe').doc('keep').get()
  expect(res.data).toEqual([{ _id: 'keep', n: 1 }])
  expect((await t.db.collection('safe').count()).total).toBe(1)
}

describe('bad input gets a clear error code, writes nothing, and the server keeps serving', () => {
  test('malformed JSON body', async () => {
    const res = await post('/admin', '{"action": "database.insertDocument", ')
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('INVALID_REQUEST_BODY')
    await stillServing()
  })

  test('a body that is JSON but not an object', async () => {
    expect((await post('/admin', '[1,2]')).body.code).toBe('INVALID_REQUEST_BODY')
    await stillServing()
  })

  test('unknown action', async () => {
    const res = await admin({ action: 'database.dropEverything', collectionName: 'safe' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ code: 'INVALID_ACTION' })
    expect(typeof res.body.requestId).toBe('string')
    await stillServing()
  })

  test('bad EJSON in a document, a query and an update', async () => {
    expect((await admin({ action: 'database.insertDocument', collectionName: 'safe', data: ['{"a": {"$date": "not a date"}}'] })).body.code).toBe('INVALID_PARAM')
    expect((await admin({ action: 'database.insertDocument', collectionName: 'safe', data: ['{"ok": 1}', '{broken'] })).body.code).toBe('INVALID_PARAM')
    expect((await admin({ action: 'database.getDocument', collectionName: 'safe', queryType: 'WHERE', query: '{"n": {"$numberInt": "x"}}' })).body.code).toBe('INVALID_PARAM')
    expect((await admin({ action: 'database.modifyDocument', collectionName: 'safe', queryType: 'DOC', query: '{"_id":"keep"}', data: 42, multi: false, merge: true, upsert: false })).body.code).toBe('INVALID_PARAM')
    await stillServing()
  })

  test('wrong types for limit, offset and flags', async () => {
    expect((await admin({ action: 'database.getDocument', collectionName: 'safe', limit: 'ten' })).body.code).toBe('INVALID_PARAM')
    expect((await admin({ action: 'database.getDocument', collectionName: 'safe', offset: -1 })).body.code).toBe('INVALID_PARAM')
    expect((await admin({ action: 'database.modifyDocument', collectionName: 'safe', query: '{"_id":"keep"}', data: '{"$set":{"n":2}}', multi: 'yes' })).body.code).toBe('INVALID_PARAM')
    await stillServing()
  })

  test('missing or invalid collection names', async () => {
    expect((await admin({ action: 'database.getDocument', collectionName: 'ghost' })).body.code).toBe('DATABASE_COLLECTION_NOT_EXIST')
    expect((await admin({ action: 'database.getDocument' })).body.code).toBe('INVALID_PARAM')
    expect((await admin({ action: 'database.getDocument', collectionName: '../etc"; DROP TABLE x' })).body.code).toBe('INVALID_PARAM')
    await stillServing()
  })

  test('a payload over the 6 MB CloudBase limit is refused before it is read and nothing is written', async () => {
    const big = JSON.stringify({ action: 'database.insertDocument', collectionName: 'safe', data: [JSON.stringify({ blob: 'x'.repeat(6 * 1024 * 1024) })] })
    const res = await post('/admin', big)
    expect(res.status).toBe(413)
    expect(res.body.code).toBe('EXCEED_REQUEST_LIMIT')
    await stillServing()
  })

  test('an update that would change _id or mixes operators with fields writes nothing', async () => {
    expect((await admin({ action: 'database.modifyDocument', collectionName: 'safe', queryType: 'DOC', query: '{"_id":"keep"}', data: '{"$set":{"_id":"stolen"}}', multi: false, merge: true, upsert: false })).body.code).toBe('INVALID_PARAM')
    expect((await admin({ action: 'database.modifyDocument', collectionName: 'safe', queryType: 'DOC', query: '{"_id":"keep"}', data: '{"$inc":{"n":1},"plain":2}', multi: false, merge: true, upsert: false })).body.code).toBe('INVALID_PARAM')
    await stillServing()
  })

  test('a multi-document update that fails part way writes nothing', async () => {
    await t.db.createCollection('half')
    await t.db.collection('half').add([{ _id: 'a', n: 1 }, { _id: 'b', n: 'text' }, { _id: 'c', n: 3 }])
    await expect(t.db.collection('half').where({ n: t.db.command.exists(true) }).update({ n: t.db.command.inc(1) })).rejects.toMatchObject({ code: 'INVALID_PARAM' })
    const docs = (await t.db.collection('half').orderBy('_id', 'asc').get()).data
    expect(docs.map((d: { n: unknown }) => d.n)).toEqual([1, 'text', 3])
  })

  test('an unknown route', async () => {
    const res = await fetch(`${t.url}/nowhere`)
    expect(res.status).toBe(404)
    await stillServing()
  })
})
