import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import tcb from '@cloudbase/node-sdk'
import { startLocalCloud, type StartOptions } from '../../localcloud/index'
import type { FunctionsModule, InvokeCaller } from '../../localcloud/functions/module'
import { installTransactionGuards } from '../../localcloud/functions/sdk-guards'
import type { LocalCloud } from '../../localcloud/server'

export interface TestCloud {
  cloud: LocalCloud
  /** `http://127.0.0.1:<port>` */
  url: string
  /** The real @cloudbase/node-sdk, pointed at this local cloud. */
  app: ReturnType<typeof tcb.init>
  db: ReturnType<ReturnType<typeof tcb.init>['database']>
  functions: FunctionsModule
  /** Runs a cloud function in-process as any caller (a shopper, WeChat's payment callback, a forged context). */
  invoke(name: string, event?: unknown, caller?: InvokeCaller): Promise<unknown>
  /** Stops the cloud and deletes its data folder. */
  stop(): Promise<void>
}

/**
 * Starts a fresh local cloud for one test file: a free port on 127.0.0.1, an empty temporary
 * data folder, no demo data, no timers (override any of these through `options`).
 */
export async function startTestCloud(options: StartOptions = {}): Promise<TestCloud> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'localcloud-test-'))
  const cloud = await startLocalCloud({ port: 0, dataDir, seed: false, timers: false, ...options })
  const url = cloud.url
  // Tells the SDK it runs on Tencent Cloud, so it never probes metadata.tencentyun.com.
  process.env.TENCENTCLOUD = 'true'
  // the same refusal functions get in their workers: where().update/remove/count inside a transaction
  installTransactionGuards()
  const app = tcb.init({ env: cloud.envId, secretId: 'local', secretKey: 'local', serviceUrl: `${url}/admin` })
  const functions = cloud.module<FunctionsModule>('functions')
  return {
    cloud,
    url,
    app,
    db: app.database(),
    functions,
    invoke: (name, event, caller) => functions.invoke(name, event, caller),
    async stop() {
      await cloud.stop()
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
