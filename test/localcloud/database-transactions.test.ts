import type { DatabaseModule } from '../../localcloud/db/module'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'

let t: TestCloud

beforeAll(async () => {
  t = await startTestCloud({ transactionTimeoutMs: 400 })
  await t.db.createCollection('accounts')
  await t.db.createCollection('counters')
})
afterAll(() => t.stop())

const accounts = () => t.db.collection('accounts')
const startCount = () => t.cloud.counters.snapshot().byAction['database.startTransaction'] ?? 0

describe('transactions as CloudBase runs them', () => {
  test('a transaction reads its own writes, by doc and through where-queries, and others see them only after commit', async () => {
    await accounts().doc('alice').set({ balance: 100, tier: 'gold' })
    const tx = await t.db.startTransaction()
    await tx.collection('accounts').doc('alice').update({ balance: t.db.command.inc(-30) })
    await tx.collection('accounts').add({ _id: 'bob', balance: 30, tier: 'gold' })

    expect((await tx.collection('accounts').doc('alice').get()).data).toMatchObject({ balance: 70 })
    const golds = await tx.collection('accounts').where({ tier: 'gold' }).get()
    expect(golds.data.map((d: { _id: string }) => d._id).sort()).toEqual(['alice', 'bob'])
    expect((await accounts().doc('alice').get()).data[0].balance).toBe(100)
    expect((await accounts().doc('bob').get()).data).toEqual([])

    await tx.commit()
    expect((await accounts().doc('alice').get()).data[0].balance).toBe(70)
    expect((await accounts().doc('bob').get()).data[0].balance).toBe(30)
  })

  test('an aborted transaction leaves nothing behind', async () => {
    await accounts().doc('carol').set({ balance: 5 })
    const tx = await t.db.startTransaction()
    await tx.collection('accounts').doc('carol').update({ balance: 500 })
    await tx.collection('accounts').add({ _id: 'dave', balance: 1 })
    await tx.collection('accounts').doc('alice').remove()
    await tx.rollback()
    expect((await accounts().doc('carol').get()).data[0].balance).toBe(5)
    expect((await accounts().doc('dave').get()).data).toEqual([])
    expect((await accounts().doc('alice').get()).data).toHaveLength(1)
  })

  test('runTransaction rolls back when its callback throws, and rejects with the reason', async () => {
    await accounts().doc('erin').set({ balance: 10 })
    await expect(
      t.db.runTransaction(async (tx: any) => {
        await tx.collection('accounts').doc('erin').update({ balance: 0 })
        throw new Error('insufficient stock')
      }),
    ).rejects.toThrow('insufficient stock')
    expect((await accounts().doc('erin').get()).data[0].balance).toBe(10)
    expect(t.cloud.module<DatabaseModule>('database').engine.openTransactions()).toBe(0)
  })

  test('an abandoned transaction expires: its writes vanish, its locks free, and a late commit fails', async () => {
    await accounts().doc('frank').set({ balance: 1 })
    const tx = await t.db.startTransaction()
    await tx.collection('accounts').doc('frank').update({ balance: 2 })
    await new Promise((r) => setTimeout(r, 1200))
    await expect(tx.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' })
    expect((await accounts().doc('frank').get()).data[0].balance).toBe(1)
    await t.db.runTransaction(async (other: any) => {
      await other.collection('accounts').doc('frank').update({ balance: 3 })
    })
    expect((await accounts().doc('frank').get()).data[0].balance).toBe(3)
  })

  test('two transactions writing one document cannot both commit: the second writer gets DATABASE_TRANSACTION_CONFLICT', async () => {
    await accounts().doc('gina').set({ balance: 50 })
    const first = await t.db.startTransaction()
    const second = await t.db.startTransaction()
    await first.collection('accounts').doc('gina').update({ balance: 40 })
    await expect(second.collection('accounts').doc('gina').update({ balance: 60 })).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
    await first.commit()
    await expect(second.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' })
    expect((await accounts().doc('gina').get()).data[0].balance).toBe(40)
  })

  test('a transaction that read a document another one changed since cannot write it (no lost update)', async () => {
    await accounts().doc('hal').set({ balance: 10 })
    const reader = await t.db.startTransaction()
    const seen = (await reader.collection('accounts').doc('hal').get()).data.balance
    await accounts().doc('hal').update({ balance: 99 })
    await expect(reader.collection('accounts').doc('hal').set({ balance: seen + 1 })).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
    expect((await accounts().doc('hal').get()).data[0].balance).toBe(99)
  })

  test('a plain write to a document a transaction is writing makes that transaction fail at commit', async () => {
    await accounts().doc('ivy').set({ balance: 10 })
    const tx = await t.db.startTransaction()
    await tx.collection('accounts').doc('ivy').update({ balance: t.db.command.inc(1) })
    await accounts().doc('ivy').update({ balance: t.db.command.inc(100) })
    await expect(tx.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
    expect((await accounts().doc('ivy').get()).data[0].balance).toBe(110)
  })

  test('2 transactions incrementing one counter 20 times each end at exactly 40, and conflicts were retried', async () => {
    await t.db.collection('counters').doc('c').set({ value: 0 })
    const startsBefore = startCount()
    const worker = async () => {
      for (let i = 0; i < 20; i++) {
        await t.db.runTransaction(async (tx: any) => {
          const current = (await tx.collection('counters').doc('c').get()).data.value
          await tx.collection('counters').doc('c').update({ value: current + 1 })
        }, 50)
      }
    }
    await Promise.all([worker(), worker()])
    expect((await t.db.collection('counters').doc('c').get()).data[0].value).toBe(40)
    // every retry starts a new transaction: more starts than the 40 that committed
    expect(startCount() - startsBefore).toBeGreaterThan(40)
  })

  test('50 concurrent _.inc updates end exact', async () => {
    await t.db.collection('counters').doc('hits').set({ value: 0 })
    await Promise.all(Array.from({ length: 50 }, () => t.db.collection('counters').doc('hits').update({ value: t.db.command.inc(1) })))
    expect((await t.db.collection('counters').doc('hits').get()).data[0].value).toBe(50)
  })

  test('where().update(), where().remove() and count() inside a transaction are refused: CloudBase would run them outside it', async () => {
    await accounts().doc('jay').set({ balance: 1, tier: 'silver' })
    await expect(
      t.db.runTransaction(async (tx: any) => {
        await tx.collection('accounts').where({ tier: 'silver' }).update({ balance: 2 })
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PARAM' })
    await expect(
      t.db.runTransaction(async (tx: any) => {
        await tx.collection('accounts').where({ tier: 'silver' }).remove()
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PARAM' })
    await expect(
      t.db.runTransaction(async (tx: any) => {
        await tx.collection('accounts').where({ tier: 'silver' }).count()
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PARAM' })
    expect((await accounts().doc('jay').get()).data[0].balance).toBe(1)
  })
})
