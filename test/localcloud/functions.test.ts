import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'functions')

let t: TestCloud

beforeAll(async () => {
  t = await startTestCloud({ functionsDir: FIXTURES })
})
afterAll(() => t.stop())

/** Calls a function the way the mini program does locally. */
async function callFromClient(name: string, data: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.url}/functions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof data === 'string' ? data : JSON.stringify(data),
  })
  return { status: res.status, body: await res.json() }
}

describe('client endpoint POST /functions/<name>', () => {
  test('answers {result} with what main returned; the caller comes from x-wx-openid as a wx_client call', async () => {
    const { status, body } = await callFromClient('whoami', { tag: 'a', nested: { n: 1 } }, { 'x-wx-openid': 'o-alice' })
    expect(status).toBe(200)
    expect(Object.keys(body)).toEqual(['result'])
    expect(body.result).toMatchObject({
      tag: 'a',
      openid: 'o-alice',
      appid: 'wx0000000000000000',
      source: 'wx_client',
      env: t.cloud.envId,
      functionName: 'whoami',
      processOpenid: null,
      event: { tag: 'a', nested: { n: 1 } },
    })
    expect(body.result.environment).toMatchObject({ cloudUrlSet: true, assignedType: 'string' })
    const again = (await callFromClient('whoami', { tag: 'b' })).body.result.environment
    expect(again.calls).toBe(String(Number(body.result.environment.calls) + 1))
  })

  test('50 concurrent calls from different openids each see only their own caller', async () => {
    const calls = Array.from({ length: 50 }, (_, i) =>
      callFromClient('whoami', { tag: `call-${i}`, delayMs: (i * 7) % 40 }, { 'x-wx-openid': `o-user-${i}`, 'x-wx-unionid': `u-user-${i}` }),
    )
    const answers = await Promise.all(calls)
    answers.forEach(({ status, body }, i) => {
      expect(status).toBe(200)
      expect(body.result).toMatchObject({ tag: `call-${i}`, openid: `o-user-${i}`, openidAfterWait: `o-user-${i}`, unionid: `u-user-${i}`, processOpenid: null })
    })
    expect(new Set(answers.map(({ body }) => body.result.requestId)).size).toBe(50)
  })

  test('a call without x-wx-openid runs with no OPENID (Moments single-page mode)', async () => {
    const { status, body } = await callFromClient('whoami', {})
    expect(status).toBe(200)
    expect(body.result).toMatchObject({ openid: null, source: 'wx_client', appid: 'wx0000000000000000' })
  })

  test('a function that throws answers HTTP 500 with errCode -504002 and the error message', async () => {
    for (const data of [{}, { sync: true }]) {
      const { status, body } = await callFromClient('fail', data, { 'x-wx-openid': 'o-alice' })
      expect(status).toBe(500)
      expect(body.errCode).toBe(-504002)
      expect(body.errMsg).toContain(data.sync ? 'thrown synchronously' : 'boom')
    }
  })

  test('an unknown function answers HTTP 404 with errCode -501000', async () => {
    for (const name of ['nope', '..%2F..%2Fetc', 'a b']) {
      const { status, body } = await callFromClient(name, {})
      expect(status).toBe(404)
      expect(body.errCode).toBe(-501000)
    }
  })

  test('a body that is not a JSON object answers 400 with a clear errCode and the server keeps serving', async () => {
    for (const raw of ['{not json', '[1,2]', '"text"']) {
      const { status, body } = await callFromClient('whoami', raw)
      expect(status).toBe(400)
      expect(body.errCode).toBe(-401002)
      expect(body.errMsg).toMatch(/JSON/)
    }
    expect((await callFromClient('whoami', { tag: 'after' })).body.result.tag).toBe('after')
  })

  test('a request or a result over the 6 MB CloudBase limit is refused with a clear error', async () => {
    const request = await callFromClient('whoami', { blob: 'x'.repeat(6 * 1024 * 1024 + 1) })
    expect(request.status).toBe(413)
    expect(request.body.errCode).toBe(-401002)
    const result = await callFromClient('big', {})
    expect(result.status).toBe(500)
    expect(result.body).toMatchObject({ errCode: -504002, errMsg: expect.stringContaining('6 MB') })
  })

  test('a TypeScript function without its built index.js fails with a message saying to run npm run build', async () => {
    const { status, body } = await callFromClient('unbuilt', {})
    expect(status).toBe(500)
    expect(body.errMsg).toContain('npm run build')
  })
})

describe('whatever a function does, the server keeps serving', () => {
  test('a hanging function and one spinning forever in a synchronous loop time out at their config.json timeout, and the next call works', async () => {
    const [hang, spin] = await Promise.all([callFromClient('hang', {}), t.invoke('spin').catch((err) => err)])
    expect(hang.status).toBe(500)
    expect(hang.body.errCode).toBe(-504002)
    expect(hang.body.errMsg).toContain('timed out after 1 seconds')
    expect(spin).toMatchObject({ code: 'FUNCTIONS_TIME_LIMIT_EXCEEDED' })
    expect((await callFromClient('whoami', { tag: 'still here' })).body.result.tag).toBe('still here')
  })

  test('process.exit, process.abort or killing its own pid ends only the function call, and the function works again', async () => {
    for (const how of ['exit', 'abort', 'kill']) {
      await expect(t.invoke('exit', { how })).rejects.toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL' })
    }
    const { status } = await callFromClient('exit', {})
    expect(status).toBe(500)
    expect((await callFromClient('whoami', { tag: 'alive' })).body.result.tag).toBe('alive')
  })
})

describe('SDK and in-process callers', () => {
  test('app.callFunction (a function calling a function) runs as source scf with no openid', async () => {
    const res = await t.app.callFunction({ name: 'whoami', data: { tag: 'chained' } })
    expect(res.result).toMatchObject({ tag: 'chained', openid: null, appid: null, source: 'scf' })
  })

  test('app.callFunction surfaces CloudBase error codes for a failing or missing function', async () => {
    await expect(t.app.callFunction({ name: 'fail', data: {} })).rejects.toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL' })
    await expect(t.app.callFunction({ name: 'missing', data: {} })).rejects.toMatchObject({ code: 'FUNCTIONS_NOT_EXIST' })
  })

  test('invoke plays any caller, such as WeChat Pay calling back with extra context keys', async () => {
    const result = await t.invoke('whoami', { tag: 'pay' }, { source: 'wx_paycallback', openid: 'o-payer', environment: { WX_APPID: 'wx-custom' } })
    expect(result).toMatchObject({ tag: 'pay', source: 'wx_paycallback', openid: 'o-payer', appid: 'wx-custom' })
    await expect(t.invoke('nope')).rejects.toMatchObject({ code: 'FUNCTIONS_NOT_EXIST' })
  })
})

describe("a function's fetch of the local cloud's own JSON endpoints (over its worker port)", () => {
  /** The same POST straight from the test, over HTTP. */
  async function overHttp(urlPath: string, body: string): Promise<{ status: number; ok: boolean; contentType: string | null; body: any }> {
    const res = await fetch(`${t.url}${urlPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    return { status: res.status, ok: res.ok, contentType: res.headers.get('content-type'), body: await res.json() }
  }
  const withoutRequestId = ({ body, ...rest }: { body: any }) => ({ ...rest, body: { ...body, requestId: body.requestId === undefined ? undefined : expect.any(String) } })

  test('answers what HTTP answers: the result, a typed 400 for a bad field or a body that is not JSON', async () => {
    const cases: Array<[string, string]> = [
      ['/_local/wechat/failures', JSON.stringify({ api: 'selfFetch.test', count: 0 })],
      ['/_local/wechat/failures', JSON.stringify({ api: 'selfFetch.test' })],
      ['/_local/wechat/failures', '{not json'],
      ['/_local/open-data/resolve', '[1]'],
      ['/_local/open-data/resolve', JSON.stringify({ list: ['local_unknown'] })],
    ]
    for (const [urlPath, body] of cases) {
      const fromFunction = (await t.invoke('selfFetch', { path: urlPath, body })) as any
      expect(fromFunction).toEqual(withoutRequestId(await overHttp(urlPath, body)))
    }
    const answers = await Promise.all(cases.map(([urlPath, body]) => t.invoke('selfFetch', { path: urlPath, body }) as Promise<any>))
    expect(answers.map((a) => a.status)).toEqual([200, 400, 400, 400, 200])
    expect(answers[1].body).toMatchObject({ code: 'INVALID_PARAM' })
    expect(answers[2].body).toMatchObject({ code: 'INVALID_REQUEST_BODY' })
  })

  test("a cloudID issued over HTTP resolves from the function, and other routes still work over HTTP", async () => {
    const issued = await overHttp('/_local/open-data', JSON.stringify({ data: { openGId: 'g-1' } }))
    const resolved = (await t.invoke('selfFetch', { path: '/_local/open-data/resolve', body: JSON.stringify({ list: [issued.body.cloudID] }) })) as any
    expect(resolved).toMatchObject({ status: 200, body: { list: [{ cloudID: issued.body.cloudID, data: { openGId: 'g-1' } }] } })
    // not a JSON endpoint: the function's fetch goes over HTTP as before
    expect(await t.invoke('selfFetch', { path: '/_local/counters/reset', body: '' })).toMatchObject({ status: 200, body: { total: 0 } })
    expect(await t.invoke('selfFetch', { path: '/_local/nowhere', body: '{}' })).toMatchObject({ status: 404, body: { code: 'INVALID_ACTION' } })
  })
})

describe('the local clock', () => {
  test('Date.now(), new Date() and Date() inside a function follow clock.advance; explicit dates do not move', async () => {
    const before = (await t.invoke('clock')) as { now: number; newDate: number }
    const oneDay = 24 * 3600_000
    t.cloud.clock.advance(oneDay)
    const after = (await t.invoke('clock')) as { now: number; newDate: number; dateString: string; fixed: string; isDate: boolean }
    expect(after.now - before.now).toBeGreaterThanOrEqual(oneDay)
    expect(after.newDate - before.newDate).toBeGreaterThanOrEqual(oneDay)
    expect(Math.abs(after.now - t.cloud.clock.now())).toBeLessThan(60_000)
    expect(Math.abs(Date.parse(after.dateString) - t.cloud.clock.now())).toBeLessThan(60_000)
    expect(after.fixed).toBe('1970-01-01T00:00:00.000Z')
    expect(after.isDate).toBe(true)
  })
})

describe('timer triggers', () => {
  async function cloudWithTickLog(timers: boolean): Promise<{ cloud: TestCloud; log: string }> {
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tick-')), 'ticks.ndjson')
    process.env.TICK_LOG = log // read by the tick function's worker, spawned when the timer fires
    const cloud = await startTestCloud({ functionsDir: FIXTURES, timers })
    return { cloud, log }
  }
  const ticks = (log: string) => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [])

  async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
    const until = Date.now() + ms
    while (!condition() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25))
  }

  test('advancing the clock past a scheduled time fires the trigger once, as wx_trigger with the Timer event', async () => {
    const { cloud, log } = await cloudWithTickLog(true)
    try {
      const listing = await (await fetch(`${cloud.url}/_local/functions`)).json()
      const tick = listing.functions.find((f: { name: string }) => f.name === 'tick')
      expect(tick.triggers).toEqual([expect.objectContaining({ name: 'daily-3am', type: 'timer', config: '0 0 3 * * * *' })])

      cloud.cloud.clock.advance(3 * 24 * 3600_000) // three scheduled times pass: one firing
      await waitFor(() => ticks(log).length > 0)
      await new Promise((resolve) => setTimeout(resolve, 200))
      const fired = ticks(log)
      expect(fired).toHaveLength(1)
      expect(fired[0]).toMatchObject({ source: 'wx_trigger', openid: null, event: { Type: 'Timer', TriggerName: 'daily-3am' } })
      expect(fired[0].event.Time).toMatch(/^\d{4}-\d\d-\d\dT19:00:00Z$/) // 03:00 China Standard Time
    } finally {
      delete process.env.TICK_LOG
      await cloud.stop()
    }
  })

  test('with timers off (LOCAL_TIMERS=0) nothing fires', async () => {
    const { cloud, log } = await cloudWithTickLog(false)
    try {
      cloud.cloud.clock.advance(3 * 24 * 3600_000)
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(ticks(log)).toEqual([])
    } finally {
      delete process.env.TICK_LOG
      await cloud.stop()
    }
  })
})
