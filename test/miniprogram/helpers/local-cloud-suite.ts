/**
 * The set-up every page test file shares: one local cloud child process for the file, started
 * before its tests and stopped after them, and before each test the transport pointed at it
 * (with the file's identity and options) and wx storage cleared; pages opened as someone.
 */
import { loadPage, type LoadedPage } from './page-shim'
import { startLocalCloudProcess, type LocalCloudProcess, type LocalCloudProcessOptions } from './local-cloud-process'
import { waitFor } from './wait'
import { setTransportTarget, type TransportTarget } from '../../../miniprogram/services/transport'

export interface LocalCloudSuiteOptions extends LocalCloudProcessOptions {
  /** Merged into the transport target before each test, after the cloud's URL (an openid, payNotification). */
  target?: Partial<Omit<TransportTarget, 'localCloudUrl'>>
  /** Clear wx storage before each test (default true). */
  clearStorage?: boolean
  /** Set in process.env while the cloud runs: its functions' workers inherit the environment. */
  env?: Record<string, string>
}

/** The running cloud of the file (read it inside hooks and tests, once it has started). */
export interface LocalCloudSuite {
  readonly url: string
}

/** Registers the file's beforeAll/afterAll/beforeEach for a local cloud; call it at the top level where the hooks belong. */
export function useLocalCloud(options: LocalCloudSuiteOptions = {}): LocalCloudSuite {
  const { target = {}, clearStorage = true, env = {}, ...processOptions } = options
  let cloud: LocalCloudProcess | undefined

  beforeAll(async () => {
    Object.assign(process.env, env)
    cloud = await startLocalCloudProcess(processOptions)
  })

  afterAll(async () => {
    await cloud?.stop()
    for (const key of Object.keys(env)) delete process.env[key]
  })

  beforeEach(() => {
    if (clearStorage) wx.clearStorageSync()
    setTransportTarget({ localCloudUrl: suite.url, ...target })
  })

  const suite: LocalCloudSuite = {
    get url() {
      if (!cloud) throw new Error('the local cloud has not started (read its url inside a hook or a test)')
      return cloud.url
    },
  }
  return suite
}

/** Opens `route` as `openid` (null: no WeChat identity) and resolves once its first read has settled (status no longer 'loading'). */
export async function openPageAs(openid: string | null, route: string, query: Record<string, string> = {}): Promise<LoadedPage> {
  setTransportTarget({ openid })
  const page = await loadPage(route, query)
  await waitFor(() => page.instance.data.status !== 'loading', `${route} loaded`)
  return page
}

/** A call the mini program made to a cloud function's action, as wx.request carried it. */
export interface CloudCall {
  action: string
  data: any
}

/** Records the function calls the mini program makes through wx.request (which still carries them) until `stop()` puts the previous wx.request back. */
export function recordCloudCalls(): { calls: CloudCall[]; stop(): void } {
  const calls: CloudCall[] = []
  const previous = wx.request
  wx.request = ((options: WechatMiniprogram.RequestOption) => {
    const body = options.data as { action?: string; data?: unknown } | undefined
    if (body?.action) calls.push({ action: body.action, data: body.data })
    return previous(options)
  }) as typeof wx.request
  return { calls, stop: () => void (wx.request = previous) }
}
