import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { exited, serverDb as sdk, startServerProcess as startServer } from '../helpers/server-process'

/**
 * The local cloud as `npm start` runs it, in its own process: committed writes survive a
 * restart, and a kill -9 in the middle of a stream of writes leaves a consistent database
 * holding every acknowledged write and no half of a batch.
 */

let dataDir: string
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durability-'))
})
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }))

test('prints the ready line, closes cleanly on SIGTERM, and committed writes survive the restart', async () => {
  const first = await startServer(dataDir)
  await sdk(first.url).createCollection('notes')
  await sdk(first.url).collection('notes').add([{ _id: 'n1', text: '你好' }, { _id: 'n2', when: new Date('2026-05-01T00:00:00Z') }])
  first.child.kill('SIGTERM')
  expect(await exited(first.child)).toBe(0)

  const second = await startServer(dataDir)
  try {
    const docs = (await sdk(second.url).collection('notes').orderBy('_id', 'asc').get()).data
    expect(docs).toEqual([{ _id: 'n1', text: '你好' }, { _id: 'n2', when: new Date('2026-05-01T00:00:00Z') }])
  } finally {
    second.child.kill('SIGTERM')
    await exited(second.child)
  }
}, 60_000)

test('a second local cloud on the same data folder is refused with a clear error, and the first goes on serving', async () => {
  const first = await startServer(dataDir)
  try {
    await expect(startServer(dataDir)).rejects.toThrow(/in use by another local cloud: one data folder serves one local cloud at a time/)
    const db = sdk(first.url)
    await db.createCollection('still')
    await db.collection('still').add({ n: 1 })
    expect((await db.collection('still').count()).total).toBe(1)
  } finally {
    first.child.kill('SIGTERM')
    await exited(first.child)
  }
})

test('kill -9 during a stream of batch writes keeps every acknowledged batch whole and the file consistent', async () => {
  const first = await startServer(dataDir)
  const db = sdk(first.url)
  await db.createCollection('events')
  const acknowledged: number[] = []
  let stop = false
  const writer = (async () => {
    for (let batch = 0; !stop; batch++) {
      try {
        await db.collection('events').add(Array.from({ length: 5 }, (_, i) => ({ batch, i, pad: 'x'.repeat(200) })))
        acknowledged.push(batch)
      } catch {
        return
      }
    }
  })()
  while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 5))
  first.child.kill('SIGKILL')
  await exited(first.child)
  stop = true
  await writer

  const check = new BetterSqlite3(path.join(dataDir, 'database.sqlite'))
  expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
  check.close()

  const second = await startServer(dataDir)
  try {
    const db2 = sdk(second.url)
    const counts = await db2.collection('events').aggregate().group({ _id: '$batch', n: db2.command.aggregate.sum(1) }).limit(1000).end()
    const perBatch = new Map<number, number>(counts.data.map((r: { _id: number; n: number }) => [r._id, r.n]))
    for (const batch of acknowledged) expect(perBatch.get(batch)).toBe(5)
    for (const n of perBatch.values()) expect(n).toBe(5)
  } finally {
    second.child.kill('SIGTERM')
    await exited(second.child)
  }
}, 60_000)
