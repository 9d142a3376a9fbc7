/** A transaction refused on a stale read (or a failing update) must not keep the document locked. */
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
  await t.db.createCollection('wallets')
})
afterAll(() => t.stop())

test('after a stale-read refusal, later transactions can write the document', async () => {
  const _ = t.db.command
  await t.db.collection('wallets').doc('w1').set({ balance: 10 })
  const stale = await t.db.startTransaction()
  await stale.collection('wallets').doc('w1').get()
  await t.db.collection('wallets').doc('w1').update({ balance: _.inc(1) }) // changes it after the read
  await expect(stale.collection('wallets').doc('w1').update({ balance: _.inc(5) })).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
  await t.db.runTransaction(async (tx: any) => {
    await tx.collection('wallets').doc('w1').update({ balance: _.inc(100) })
  }, 0)
  expect((await t.db.collection('wallets').doc('w1').get()).data[0].balance).toBe(111)
})

test('after an update the engine refuses inside a transaction, later transactions can write the document', async () => {
  const _ = t.db.command
  await t.db.collection('wallets').doc('w2').set({ name: 'text' })
  await expect(
    t.db.runTransaction(async (tx: any) => {
      await tx.collection('wallets').doc('w2').update({ name: _.inc(1) }) // $inc on a string: refused
    }, 0),
  ).rejects.toBeDefined()
  await t.db.runTransaction(async (tx: any) => {
    await tx.collection('wallets').doc('w2').update({ name: 'changed' })
  }, 0)
  expect((await t.db.collection('wallets').doc('w2').get()).data[0].name).toBe('changed')
})
