import { settingsFromEnv } from './config'
import { PreviewModule } from '../preview/server/module'
import { startLocalCloud } from './index'

/** The owner the demo data is written for (database/seed/); see the README's demo identities. */
const DEMO_OWNER_OPENID = 'o-demo-owner'

/** `npm start`: the local cloud on 127.0.0.1 until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const settings = settingsFromEnv()
  // Owners come from configuration only; with the demo data and none configured, the demo owner runs the store.
  if (settings.seed && !process.env.OWNER_OPENIDS) process.env.OWNER_OPENIDS = DEMO_OWNER_OPENID
  const cloud = await startLocalCloud(settings)
  // the browser preview of the mini program at the root URL (preview/)
  cloud.use(new PreviewModule())
  await cloud.module<PreviewModule>('preview').built().catch((err) => console.error('The preview did not build (GET / says why):', err?.message ?? err))
  console.log(`Owners (OWNER_OPENIDS): ${process.env.OWNER_OPENIDS || 'none'}`)
  console.log(`Local cloud ready at ${cloud.url}`)
  console.log(`Preview of the mini program: ${cloud.url}/ (open it in a browser)`)
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
