/** Where the mini program's cloud calls go. Edit `cloudEnvId` for your CloudBase environment. */
export interface AppConfig {
  /** The CloudBase environment `wx.cloud` calls (console → 云开发 → 环境 ID). */
  cloudEnvId: string
  localCloud: {
    /**
     * Send calls to the local cloud (`npm start`) instead of CloudBase. Only ever honoured in the
     * develop version, so a trial or release build always talks to CloudBase. In DevTools, tick
     * "不校验合法域名" (do not verify domain names) so `wx.request` may reach 127.0.0.1.
     */
    enabled: boolean
    /** The local cloud's address, as `npm start` prints it. */
    url: string
    /** Who the local cloud is told the caller is (header x-wx-openid); null plays a caller with no login. */
    openid: string | null
  }
}

export const config: AppConfig = {
  cloudEnvId: 'your-cloudbase-env-id',
  localCloud: {
    enabled: true,
    url: 'http://127.0.0.1:3939',
    openid: 'o-local-shopper',
  },
}
