import { config } from './config'
import { captureShareOpen } from './launch/record-share-open'
import { usesLocalCloud } from './services/transport'

App({
  onLaunch(options) {
    if (!usesLocalCloud() && wx.cloud) wx.cloud.init({ env: config.cloudEnvId, traceUser: true })
    void captureShareOpen(options)
  },
  // a hot start from another card is a new open; the cold start's onShow repeats onLaunch's and records nothing
  onShow(options) {
    void captureShareOpen(options)
  },
})
