/** Asking before personal-information APIs: the privacy guide first, then the scope's authorization. */

/** Resolves true once the person has agreed to the privacy guide (the popup component shows it if needed). */
export function requirePrivacy(): Promise<boolean> {
  if (typeof wx.requirePrivacyAuthorize !== 'function') return Promise.resolve(true)
  return new Promise((resolve) => {
    wx.requirePrivacyAuthorize({ success: () => resolve(true), fail: () => resolve(false) })
  })
}

/**
 * Resolves true when the app may save to the album: privacy agreed, then `scope.writePhotosAlbum`
 * granted (asked once; after a refusal only the settings page can grant it, so it is opened).
 */
export async function authorizeAlbum(): Promise<boolean> {
  if (!(await requirePrivacy())) return false
  const setting = await new Promise<WechatMiniprogram.GetSettingSuccessCallbackResult | null>((resolve) => {
    wx.getSetting({ success: resolve, fail: () => resolve(null) })
  })
  const granted = setting?.authSetting['scope.writePhotosAlbum']
  if (granted === true) return true
  if (granted === false) {
    const opened = await new Promise<WechatMiniprogram.OpenSettingSuccessCallbackResult | null>((resolve) => {
      wx.openSetting({ success: resolve, fail: () => resolve(null) })
    })
    return opened?.authSetting['scope.writePhotosAlbum'] === true
  }
  return new Promise((resolve) => {
    wx.authorize({ scope: 'scope.writePhotosAlbum', success: () => resolve(true), fail: () => resolve(false) })
  })
}
