/**
 * What WeChat draws over a page: toast, loading, modal, action sheet and the payment sheet, inside
 * the phone frame. Plain DOM; each answers a promise with what the user chose.
 */

let layer: HTMLElement

export function initOverlays(phoneScreen: HTMLElement): void {
  layer = document.createElement('div')
  layer.className = 'pv-overlays'
  phoneScreen.appendChild(layer)
}

function el(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag)
  node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

let toastTimer: ReturnType<typeof setTimeout> | undefined
let toastNode: HTMLElement | null = null

function clearToast(): void {
  if (toastTimer) clearTimeout(toastTimer)
  toastTimer = undefined
  toastNode?.remove()
  toastNode = null
}

/** wx.showToast / wx.showLoading: one at a time; a loading stays until hidden. */
export function showToast(title: string, icon: 'success' | 'error' | 'loading' | 'none', durationMs: number, mask: boolean): void {
  clearToast()
  const wrap = el('div', `pv-toast-wrap${mask ? ' pv-mask-clear' : ''}`)
  const toast = el('div', `pv-toast pv-toast-${icon}`)
  toast.setAttribute('role', 'status')
  if (icon !== 'none') toast.appendChild(el('div', `pv-toast-icon pv-icon-${icon}`, icon === 'success' ? '✓' : icon === 'error' ? '✕' : ''))
  toast.appendChild(el('div', 'pv-toast-title', title))
  wrap.appendChild(toast)
  layer.appendChild(wrap)
  toastNode = wrap
  if (icon !== 'loading' || durationMs > 0) toastTimer = setTimeout(clearToast, durationMs)
}

export function hideToast(): void {
  clearToast()
}

export interface ModalChoice {
  confirm: boolean
  cancel: boolean
  content?: string
}

/** wx.showModal */
export function showModal(options: { title?: string; content?: string; showCancel?: boolean; cancelText?: string; confirmText?: string; editable?: boolean; placeholderText?: string }): Promise<ModalChoice> {
  return new Promise((resolve) => {
    const mask = el('div', 'pv-mask')
    const box = el('div', 'pv-modal')
    box.setAttribute('role', 'dialog')
    if (options.title) box.appendChild(el('div', 'pv-modal-title', options.title))
    let input: HTMLInputElement | null = null
    if (options.editable) {
      input = document.createElement('input')
      input.className = 'pv-modal-input'
      input.placeholder = options.placeholderText ?? ''
      input.value = options.content ?? ''
      box.appendChild(input)
    } else if (options.content) box.appendChild(el('div', 'pv-modal-content', options.content))
    const buttons = el('div', 'pv-modal-buttons')
    const close = (confirm: boolean) => {
      mask.remove()
      resolve({ confirm, cancel: !confirm, content: input?.value })
    }
    if (options.showCancel !== false) {
      const cancel = el('button', 'pv-modal-cancel', options.cancelText ?? '取消')
      cancel.onclick = () => close(false)
      buttons.appendChild(cancel)
    }
    const ok = el('button', 'pv-modal-confirm', options.confirmText ?? '确定')
    ok.onclick = () => close(true)
    buttons.appendChild(ok)
    box.appendChild(buttons)
    mask.appendChild(box)
    layer.appendChild(mask)
  })
}

/** A bottom sheet of choices; resolves with the index tapped or -1 for cancel. */
export function showSheet(items: string[], options: { title?: string; cancelText?: string; className?: string } = {}): Promise<number> {
  return new Promise((resolve) => {
    const mask = el('div', 'pv-mask pv-mask-bottom')
    const sheet = el('div', `pv-sheet ${options.className ?? ''}`)
    const close = (index: number) => {
      mask.remove()
      resolve(index)
    }
    if (options.title) sheet.appendChild(el('div', 'pv-sheet-title', options.title))
    items.forEach((item, index) => {
      const button = el('button', 'pv-sheet-item', item)
      button.onclick = () => close(index)
      sheet.appendChild(button)
    })
    const cancel = el('button', 'pv-sheet-cancel', options.cancelText ?? '取消')
    cancel.onclick = () => close(-1)
    sheet.appendChild(cancel)
    mask.onclick = (e) => {
      if (e.target === mask) close(-1)
    }
    mask.appendChild(sheet)
    layer.appendChild(mask)
  })
}

/** The WeChat Pay sheet: "确认支付 ¥x.xx"; resolves true when the user pays. */
export function showPaySheet(amountText: string, body: string): Promise<boolean> {
  return new Promise((resolve) => {
    const mask = el('div', 'pv-mask pv-mask-bottom')
    const sheet = el('div', 'pv-sheet pv-pay-sheet')
    sheet.appendChild(el('div', 'pv-pay-title', '微信支付（本地模拟）'))
    if (body) sheet.appendChild(el('div', 'pv-pay-body', body))
    sheet.appendChild(el('div', 'pv-pay-amount', amountText))
    const pay = el('button', 'pv-pay-confirm', `确认支付 ${amountText}`)
    const cancel = el('button', 'pv-sheet-cancel', '取消')
    pay.onclick = () => {
      mask.remove()
      resolve(true)
    }
    cancel.onclick = () => {
      mask.remove()
      resolve(false)
    }
    sheet.appendChild(pay)
    sheet.appendChild(cancel)
    mask.appendChild(sheet)
    layer.appendChild(mask)
  })
}

/** A small form in a sheet (the preview's chooseAddress): resolves with the values or null for cancel. */
export function showForm(title: string, fields: Array<{ name: string; label: string; value: string }>): Promise<Record<string, string> | null> {
  return new Promise((resolve) => {
    const mask = el('div', 'pv-mask pv-mask-bottom')
    const sheet = el('form', 'pv-sheet pv-form')
    sheet.appendChild(el('div', 'pv-sheet-title', title))
    const inputs: Record<string, HTMLInputElement> = {}
    for (const field of fields) {
      const row = el('label', 'pv-form-row')
      row.appendChild(el('span', 'pv-form-label', field.label))
      const input = document.createElement('input')
      input.name = field.name
      input.value = field.value
      inputs[field.name] = input
      row.appendChild(input)
      sheet.appendChild(row)
    }
    const ok = el('button', 'pv-pay-confirm', '使用该地址')
    ;(ok as HTMLButtonElement).type = 'submit'
    const cancel = el('button', 'pv-sheet-cancel', '取消')
    ;(cancel as HTMLButtonElement).type = 'button'
    sheet.appendChild(ok)
    sheet.appendChild(cancel)
    sheet.onsubmit = (e) => {
      e.preventDefault()
      mask.remove()
      resolve(Object.fromEntries(Object.entries(inputs).map(([k, input]) => [k, input.value])))
    }
    cancel.onclick = () => {
      mask.remove()
      resolve(null)
    }
    mask.appendChild(sheet)
    layer.appendChild(mask)
  })
}
