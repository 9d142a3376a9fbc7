/**
 * `npm start` for tests whose cloud functions are fixtures: the local cloud as localcloud/main.ts
 * runs it, with functions read from $FIXTURE_FUNCTIONS_DIR. Run with tsx, not by jest.
 */
import { settingsFromEnv } from '../../../localcloud/config'
import { startLocalCloud } from '../../../localcloud/index'

async function main(): Promise<void> {
  const functionsDir = process.env.FIXTURE_FUNCTIONS_DIR
  if (!functionsDir) throw new Error('FIXTURE_FUNCTIONS_DIR is not set')
  const cloud = await startLocalCloud({ ...settingsFromEnv(), functionsDir })
  console.log(`Local cloud ready at ${cloud.url}`)
  const stop = () => void cloud.stop().then(() => process.exit(0), () => process.exit(1))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
