/**
 * The privacy authorization WeChat requires (`__usePrivacyCheck__`) before the APIs that touch
 * personal information (avatar chooser, nickname input, album, address). Put one on each page
 * that uses such an API: when the platform asks (`wx.onNeedPrivacyAuthorization`), it shows the
 * store's privacy guide and resolves with the person's choice.
 */
type Resolve = (result: { event: 'agree' | 'disagree'; buttonId?: string }) => void

Component({
  data: { visible: false, contractName: '《用户隐私保护指引》' },

  lifetimes: {
    attached() {
      if (typeof wx.getPrivacySetting === 'function') {
        wx.getPrivacySetting({
          success: (res) => {
            if (res.privacyContractName) this.setData({ contractName: res.privacyContractName })
          },
        })
      }
      if (typeof wx.onNeedPrivacyAuthorization === 'function') {
        wx.onNeedPrivacyAuthorization((resolve) => {
          ;(this as unknown as { resolvePrivacy?: Resolve }).resolvePrivacy = resolve as unknown as Resolve
          this.setData({ visible: true })
        })
      }
    },
  },

  methods: {
    onAgree() {
      this.answer({ event: 'agree', buttonId: 'agree-privacy' })
    },
    onDisagree() {
      this.answer({ event: 'disagree' })
    },
    onOpenContract() {
      if (typeof wx.openPrivacyContract === 'function') wx.openPrivacyContract({})
    },
    answer(result: Parameters<Resolve>[0]) {
      const self = this as unknown as { resolvePrivacy?: Resolve }
      self.resolvePrivacy?.(result)
      self.resolvePrivacy = undefined
      this.setData({ visible: false })
      this.triggerEvent('answered', { agreed: result.event === 'agree' })
    },
  },
})
