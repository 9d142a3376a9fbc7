import path from 'node:path'
import { REPO_ROOT, type LocalCloudSettings } from './config'
import { DatabaseModule } from './db/module'
import { FunctionsModule } from './functions/module'
import { installNetworkGuard } from './network-guard'
import { OpenDataModule } from './open-data/module'
import { PayModule } from './pay/module'
import { LocalCloud } from './server'
import { StorageModule } from './storage/module'
import { WeChatOutboxModule } from './wechat/module'

export { LocalCloud } from './server'

/** Where the demo data's images (database/seed/images/*) are put in cloud storage. */
export const SEED_IMAGES_PREFIX = 'seed/images'

export interface StartOptions extends Partial<LocalCloudSettings> {
  /** An open transaction untouched this long is aborted (CloudBase/MongoDB: 60 s). */
  transactionTimeoutMs?: number
  /** Refuse and record any connection that would leave 127.0.0.1 (default on). */
  networkGuard?: boolean
}

/** Starts a local cloud: database, storage and functions on one 127.0.0.1 port. */
export async function startLocalCloud(options: StartOptions = {}): Promise<LocalCloud> {
  const dataDir = options.dataDir ?? path.join(REPO_ROOT, '.data')
  const databaseDir = options.databaseDir ?? path.join(REPO_ROOT, 'database')
  const seed = options.seed ?? true
  if (options.networkGuard !== false) installNetworkGuard()
  const cloud = new LocalCloud({ port: options.port ?? 3939, dataDir })
  cloud
    .use(
      new DatabaseModule({
        dataDir,
        databaseDir,
        seed,
        transactionTimeoutMs: options.transactionTimeoutMs,
      }),
    )
    .use(new StorageModule({ dataDir }))
    .use(new FunctionsModule({ functionsDir: options.functionsDir ?? path.join(REPO_ROOT, 'cloudfunctions'), timers: options.timers ?? true }))
    .use(new PayModule({ stateFile: path.join(dataDir, 'pay-simulator.jsonl') }))
    .use(new OpenDataModule())
    .use(new WeChatOutboxModule())
  await cloud.start()
  // the demo products' images: the seed documents name them as `cloud://<env>.<bucket>/seed/images/<file>`
  if (seed) await cloud.module<StorageModule>('storage').seedFiles(path.join(databaseDir, 'seed', 'images'), SEED_IMAGES_PREFIX)
  return cloud
}
