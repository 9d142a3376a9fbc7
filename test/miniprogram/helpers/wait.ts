import simulate from 'miniprogram-simulate'

/** Polls until `condition` holds (pages settle after their calls to the local cloud return). */
export async function waitFor(condition: () => boolean, what = 'condition', timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${timeoutMs} ms`)
    await simulate.sleep(20)
  }
}
