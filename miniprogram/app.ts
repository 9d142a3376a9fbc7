import { config } from './config'
import { usesLocalCloud } from './services/transport'

App({
  onLaunch() {
    if (!usesLocalCloud() && wx.cloud) wx.cloud.init({ env: config.cloudEnvId, traceUser: true })
  },
})
