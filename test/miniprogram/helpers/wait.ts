import simulate from 'miniprogram-simulate'

/** Polls until `condition` holds (pages settle after their calls to the local cloud return). */
export async function waitFor(condition: () => boolean, what = 'condition', timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${timeoutMs} ms`)
    await simulate.sleep(20)
  }
}

/** Reads until `done` holds (a background call or a timer on the local cloud finishing) and answers the last read. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what = 'background call', timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms, last ${JSON.stringify(value)}`)
    await simulate.sleep(100)
  }
}
