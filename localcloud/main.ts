import { settingsFromEnv } from './config'
import { startLocalCloud } from './index'

/** `npm start`: the local cloud on 127.0.0.1 until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const settings = settingsFromEnv()
  const cloud = await startLocalCloud(settings)
  console.log(`Local cloud ready at ${cloud.url}`)
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`Local cloud stopping (${signal})`)
    cloud.stop().then(
      () => process.exit(0),
      (err) => {
        console.error('Local cloud did not stop cleanly', err)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
