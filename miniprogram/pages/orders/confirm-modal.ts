/** The platform's confirm dialog as a promise: true when the shopper confirms. */
export function confirmModal(title: string, content: string): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({ title, content, success: (res) => resolve(res.confirm), fail: () => resolve(false) })
  })
}

/** The question before 确认收货, from the list and the detail alike. */
export function askToConfirmReceipt(): Promise<boolean> {
  return confirmModal('确认收货', '请确认已收到全部商品，确认后交易完成')
}
