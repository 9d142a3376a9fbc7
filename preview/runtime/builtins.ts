/**
 * WeChat's built-in components the pages use, registered with j-component under their own tag
 * names, so `<image src>` shows a picture, `<input>` is editable and `<button open-type="share">`
 * shares. Each keeps its properties as WeChat documents them and triggers the documented events
 * (`input`, `change`, `scrolltolower`, `chooseavatar`, ...). `view` and `text` need nothing but
 * their default styles (shell/builtins.css). Native DOM is put inside the component's element
 * when it is attached and updated by property observers.
 */
import jComponent from 'j-component'
import * as router from './router'
import { showSheet, showForm } from './overlays'
import { agreePrivacy, ensurePrivacy } from './wx'
import { shareFromPage } from './session'

type Caller = {
  data: Record<string, unknown>
  _exparserNode: { $$: HTMLElement; id?: string }
  triggerEvent(name: string, detail?: unknown, options?: Record<string, unknown>): void
  setData(data: Record<string, unknown>): void
}

/** Each built-in's element -> its component, for taps and selector queries. */
const callers = new WeakMap<Element, Caller>()

function dom(c: Caller): HTMLElement {
  return c._exparserNode.$$
}

function prop(type: unknown, value: unknown, sync = true): Record<string, unknown> {
  return sync ? { type, value, observer(this: Caller) { update(this) } } : { type, value }
}

/** The template of a built-in without children of its own (its native element is added when attached). */
const NO_CHILDREN = '<block></block>'

const updaters: Record<string, (c: Caller, el: HTMLElement) => void> = {}

/** Native elements inside built-ins (an image's <img>, an input's <input>), made when attached. */
const natives = new WeakMap<HTMLElement, HTMLElement>()

function update(c: Caller): void {
  const el = dom(c)
  // observers run before attached; attached runs the first update
  if (!el || !callers.has(el)) return
  updaters[el.tagName.toLowerCase()]?.(c, el)
}

function attrs(el: HTMLElement, values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === false || value === null || value === undefined || value === '') el.removeAttribute(name)
    else el.setAttribute(name, value === true ? '' : String(value))
  }
}

interface BuiltinDefinition {
  tag: string
  properties: Record<string, Record<string, unknown>>
  template?: string
  attached?: (c: Caller, el: HTMLElement) => void
  update: (c: Caller, el: HTMLElement) => void
}

function define(def: BuiltinDefinition): void {
  updaters[def.tag] = def.update
  jComponent.register({
    id: def.tag,
    tagName: def.tag,
    template: def.template ?? '<slot/>',
    properties: def.properties,
    options: { classPrefix: '' },
    lifetimes: {
      attached(this: Caller) {
        const el = dom(this)
        callers.set(el, this)
        if (this._exparserNode.id) el.id = this._exparserNode.id
        def.attached?.(this, el)
        def.update(this, el)
      },
    },
  } as never)
}

// ---- image --------------------------------------------------------------------------------------

const FIT: Record<string, string> = { scaleToFill: 'fill', aspectFit: 'contain', aspectFill: 'cover', widthFix: 'fill', heightFix: 'fill' }

/** `<image src="cloud://...">` works on WeChat; here the fileID becomes the local cloud's temporary URL (cached). */
const cloudUrls = new Map<string, Promise<string>>()

function cloudFileUrl(fileID: string): Promise<string> {
  let url = cloudUrls.get(fileID)
  if (!url) {
    url = fetch(`${location.origin}/storage/temp-urls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fileList: [fileID] }) })
      .then((res) => res.json() as Promise<{ fileList?: Array<{ tempFileURL?: string }> }>)
      .then((body) => body.fileList?.[0]?.tempFileURL ?? '')
      .catch(() => '')
    cloudUrls.set(fileID, url)
  }
  return url
}

// ---- taps -----------------------------------------------------------------------------------------

function nearest(target: Node | null, tags: string[]): { el: HTMLElement; c: Caller } | null {
  let node: Node | null = target
  while (node && node !== document.body) {
    if (node instanceof HTMLElement && tags.includes(node.tagName.toLowerCase())) {
      const c = callers.get(node)
      if (c) return { el: node, c }
    }
    node = node.parentNode
  }
  return null
}

/** Behaviour a tap has beyond bind:tap: open-types, navigators, checkboxes, pickers, form buttons. */
export function onBuiltinTap(target: Node, _evt: MouseEvent): void {
  const hit = nearest(target, ['button', 'navigator', 'checkbox', 'radio', 'picker', 'switch', 'label'])
  if (!hit) return
  const { el, c } = hit
  const tag = el.tagName.toLowerCase()
  if (tag === 'button') return void buttonTap(c, el)
  if (tag === 'navigator') return void navigatorTap(c)
  if (tag === 'checkbox' || tag === 'radio') return void choiceTap(c, el, tag)
  if (tag === 'picker') return void pickerTap(c)
}

function buttonTap(c: Caller, el: HTMLElement): void {
  if (c.data.disabled || c.data.loading) return
  const openType = String(c.data.openType ?? '')
  const targetInfo = { id: el.id, dataset: { ...((c._exparserNode as unknown as { dataset?: object }).dataset ?? {}) } }
  if (openType === 'share') void shareFromPage({ from: 'button', target: targetInfo })
  else if (openType === 'chooseAvatar') void chooseAvatar(c)
  else if (openType === 'agreePrivacyAuthorization') {
    agreePrivacy()
    c.triggerEvent('agreeprivacyauthorization', {})
  } else if (openType === 'getPhoneNumber' || openType === 'getRealtimePhoneNumber') {
    c.triggerEvent(openType.toLowerCase(), { errMsg: `${openType}:fail not supported in the browser preview` })
  } else if (openType === 'openSetting') {
    ;(globalThis as unknown as { wx: { openSetting(o: object): void } }).wx.openSetting({ success: (res: unknown) => c.triggerEvent('opensetting', res) })
  } else if (openType) console.warn(`[preview] button open-type="${openType}" is not supported in the browser preview`)
  const formType = String(c.data.formType ?? '')
  if (formType === 'submit' || formType === 'reset') formAction(el, formType)
}

/** open-type="chooseAvatar": the privacy check, then a picture from the computer as the avatar (a blob: URL, like WeChat's temp path). */
async function chooseAvatar(c: Caller): Promise<void> {
  if (!(await ensurePrivacy())) return
  const input = document.createElement('input')
  input.type = 'file'
  input.accept = 'image/*'
  input.onchange = () => {
    const file = input.files?.[0]
    if (file) c.triggerEvent('chooseavatar', { avatarUrl: URL.createObjectURL(file) })
  }
  input.click()
}

function formAction(el: HTMLElement, action: 'submit' | 'reset'): void {
  const form = el.closest('form')
  const formCaller = form ? callers.get(form) : undefined
  if (!form || !formCaller) return
  const value: Record<string, unknown> = {}
  for (const field of form.querySelectorAll('input, textarea, switch, slider, picker, checkbox-group, radio-group')) {
    const c = callers.get(field)
    const name = c ? String((c._exparserNode as unknown as { name?: string }).name ?? c.data.name ?? '') : ''
    if (!c || !name) continue
    value[name] = field.tagName.toLowerCase() === 'switch' ? !!c.data.checked : c.data.value
  }
  formCaller.triggerEvent(action, action === 'submit' ? { value } : {})
}

function navigatorTap(c: Caller): void {
  const url = String(c.data.url ?? '')
  const type = String(c.data.openType ?? 'navigate')
  const go: Record<string, () => void> = {
    navigate: () => router.navigateTo(url),
    redirect: () => router.redirectTo(url),
    switchTab: () => router.switchTab(url),
    reLaunch: () => router.reLaunch(url),
    navigateBack: () => router.navigateBack(Number(c.data.delta ?? 1)),
  }
  try {
    ;(go[type] ?? go.navigate)()
    c.triggerEvent('success', {})
  } catch (err) {
    c.triggerEvent('fail', { errMsg: (err as Error).message })
  }
}

function choiceTap(c: Caller, el: HTMLElement, tag: 'checkbox' | 'radio'): void {
  if (c.data.disabled) return
  const group = el.closest(`${tag}-group`)
  if (tag === 'radio' && group) for (const other of group.querySelectorAll('radio')) callers.get(other)?.setData({ checked: other === el })
  else c.setData({ checked: tag === 'radio' ? true : !c.data.checked })
  update(c)
  if (group) {
    for (const other of group.querySelectorAll(tag)) {
      const oc = callers.get(other)
      if (oc) update(oc)
    }
    const values = [...group.querySelectorAll(tag)].map((n) => callers.get(n)).filter((x): x is Caller => !!x && !!x.data.checked).map((x) => x.data.value)
    callers.get(group)?.triggerEvent('change', { value: tag === 'radio' ? (values[0] ?? '') : values })
  }
}

async function pickerTap(c: Caller): Promise<void> {
  if (c.data.disabled) return
  const mode = String(c.data.mode ?? 'selector')
  if (mode === 'selector') {
    const range = (c.data.range as unknown[]) ?? []
    const key = String(c.data.rangeKey ?? '')
    const labels = range.map((item) => (key && item && typeof item === 'object' ? String((item as Record<string, unknown>)[key]) : String(item)))
    const index = await showSheet(labels)
    if (index < 0) c.triggerEvent('cancel', {})
    else c.triggerEvent('change', { value: index })
  } else if (mode === 'date' || mode === 'time') {
    const values = await showForm(mode === 'date' ? '选择日期' : '选择时间', [{ name: 'value', label: mode === 'date' ? '日期' : '时间', value: String(c.data.value ?? '') }])
    if (values) c.triggerEvent('change', { value: values.value })
    else c.triggerEvent('cancel', {})
  } else console.warn(`[preview] picker mode="${mode}" is not supported in the browser preview`)
}

// ---- canvas 2d --------------------------------------------------------------------------------------

/** The node `createSelectorQuery().select(...).fields({node: true})` answers for a `<canvas type="2d">`. */
export function canvasNode(node: Element): unknown {
  if (!(node instanceof HTMLCanvasElement)) return null
  const canvas = node
  const c = canvas as HTMLCanvasElement & { createImage?: () => HTMLImageElement; requestAnimationFrame?: typeof requestAnimationFrame }
  c.createImage = () => {
    const img = new Image()
    img.crossOrigin = 'anonymous'
    return img
  }
  c.requestAnimationFrame = (cb) => requestAnimationFrame(cb)
  return c
}

export function registerBuiltins(): void {
  define({
    tag: 'image',
    properties: { src: prop(String, ''), mode: prop(String, 'scaleToFill'), lazyLoad: prop(Boolean, false, false), showMenuByLongpress: prop(Boolean, false, false) },
    template: NO_CHILDREN,
    attached(c, el) {
      const img = document.createElement('img')
      img.alt = ''
      img.draggable = false
      img.onload = () => c.triggerEvent('load', { width: img.naturalWidth, height: img.naturalHeight })
      img.onerror = () => c.triggerEvent('error', { errMsg: `GET ${img.src} failed` })
      el.appendChild(img)
      natives.set(el, img)
    },
    update(c, el) {
      const img = natives.get(el) as HTMLImageElement
      const src = String(c.data.src ?? '')
      if (!src) img.removeAttribute('src')
      else if (src.startsWith('cloud://')) void cloudFileUrl(src).then((url) => { if (String(c.data.src) === src) img.src = url })
      else img.src = src
      img.style.objectFit = FIT[String(c.data.mode)] ?? 'fill'
      attrs(el, { 'wx-mode': c.data.mode })
    },
  })
  define({
    tag: 'button',
    properties: {
      size: prop(String, 'default'),
      type: prop(String, 'default'),
      plain: prop(Boolean, false),
      disabled: prop(Boolean, false),
      loading: prop(Boolean, false),
      openType: prop(String, ''),
      formType: prop(String, ''),
      hoverClass: prop(String, 'button-hover', false),
    },
    update(c, el) {
      attrs(el, { 'wx-size': c.data.size, 'wx-type': c.data.type, 'wx-plain': !!c.data.plain, 'wx-loading': !!c.data.loading, disabled: !!c.data.disabled, 'aria-disabled': c.data.disabled ? 'true' : false })
    },
  })
  const textField = (tag: 'input' | 'textarea') =>
    define({
      tag,
      properties: {
        value: prop(String, ''),
        type: prop(String, 'text'),
        password: prop(Boolean, false),
        placeholder: prop(String, ''),
        placeholderClass: prop(String, '', false),
        placeholderStyle: prop(String, '', false),
        disabled: prop(Boolean, false),
        maxlength: prop(Number, tag === 'input' ? 140 : 140),
        focus: prop(Boolean, false),
        autoFocus: prop(Boolean, false),
        confirmType: prop(String, 'done', false),
        autoHeight: prop(Boolean, false),
        name: prop(String, '', false),
      },
      template: NO_CHILDREN,
      attached(c, el) {
        // exparser makes the host a real <input>/<textarea>: it is the field
        const field = el as HTMLInputElement
        field.addEventListener('input', () => {
          c.data.value = field.value
          c.triggerEvent('input', { value: field.value, cursor: field.selectionStart ?? field.value.length, keyCode: 0 })
        })
        field.addEventListener('focus', () => c.triggerEvent('focus', { value: field.value, height: 0 }))
        field.addEventListener('blur', () => {
          c.triggerEvent('blur', { value: field.value })
          if (c.data.type === 'nickname') c.triggerEvent('nicknamereview', { pass: true, timeout: false })
        })
        field.addEventListener('keydown', (e) => {
          if ((e as KeyboardEvent).key === 'Enter' && tag === 'input') c.triggerEvent('confirm', { value: field.value })
        })
        natives.set(el, field)
      },
      update(c, el) {
        const field = natives.get(el) as HTMLInputElement
        const value = String(c.data.value ?? '')
        if (field.value !== value) field.value = value
        field.placeholder = String(c.data.placeholder ?? '')
        field.disabled = !!c.data.disabled
        const max = Number(c.data.maxlength)
        if (max > 0) field.maxLength = max
        else field.removeAttribute('maxlength')
        if (tag === 'input') {
          const type = String(c.data.type)
          field.type = c.data.password ? 'password' : type === 'number' || type === 'digit' ? 'text' : 'text'
          field.inputMode = type === 'number' ? 'numeric' : type === 'digit' ? 'decimal' : type === 'idcard' ? 'text' : 'text'
        }
        // WeChat's auto-height textarea grows with its text instead of keeping the 150px default
        if (tag === 'textarea') field.toggleAttribute('wx-auto-height', !!c.data.autoHeight)
        if (c.data.focus || c.data.autoFocus) setTimeout(() => field.focus(), 0)
      },
    })
  textField('input')
  textField('textarea')
  define({
    tag: 'scroll-view',
    properties: { scrollX: prop(Boolean, false), scrollY: prop(Boolean, false), scrollTop: prop(null, 0), scrollLeft: prop(null, 0), lowerThreshold: prop(Number, 50, false), upperThreshold: prop(Number, 50, false), scrollIntoView: prop(String, ''), enhanced: prop(Boolean, false, false), refresherEnabled: prop(Boolean, false, false) },
    attached(c, el) {
      // once per arrival at the end; content that grew since makes a new end
      let firedAtSize = -1
      el.addEventListener('scroll', () => {
        const vertical = !!c.data.scrollY
        const size = vertical ? el.scrollHeight : el.scrollWidth
        const remaining = vertical ? el.scrollHeight - el.scrollTop - el.clientHeight : el.scrollWidth - el.scrollLeft - el.clientWidth
        c.triggerEvent('scroll', { scrollTop: el.scrollTop, scrollLeft: el.scrollLeft, scrollHeight: el.scrollHeight, scrollWidth: el.scrollWidth })
        if (remaining > Number(c.data.lowerThreshold ?? 50)) firedAtSize = -1
        else if (size !== firedAtSize) {
          firedAtSize = size
          c.triggerEvent('scrolltolower', { direction: vertical ? 'bottom' : 'right' })
        }
      })
    },
    update(c, el) {
      attrs(el, { 'wx-scroll-x': !!c.data.scrollX, 'wx-scroll-y': !!c.data.scrollY })
      if (c.data.scrollY && Number(c.data.scrollTop)) el.scrollTop = Number(c.data.scrollTop)
      if (c.data.scrollX && Number(c.data.scrollLeft)) el.scrollLeft = Number(c.data.scrollLeft)
      const into = String(c.data.scrollIntoView ?? '')
      if (into) setTimeout(() => el.querySelector(`#${CSS.escape(into)}`)?.scrollIntoView({ block: 'start' }), 0)
    },
  })
  define({
    tag: 'swiper',
    properties: { current: prop(Number, 0), indicatorDots: prop(Boolean, false), autoplay: prop(Boolean, false, false), interval: prop(Number, 5000, false), circular: prop(Boolean, false, false), vertical: prop(Boolean, false), indicatorColor: prop(String, 'rgba(0,0,0,.3)', false), indicatorActiveColor: prop(String, '#000000', false) },
    attached(c, el) {
      let timer: ReturnType<typeof setTimeout> | undefined
      el.addEventListener('scroll', () => {
        if (timer) clearTimeout(timer)
        timer = setTimeout(() => {
          const current = Math.round(el.scrollLeft / Math.max(1, el.clientWidth))
          if (current !== c.data.current) {
            c.data.current = current
            c.triggerEvent('change', { current, source: 'touch' })
            drawDots(c, el)
          }
        }, 120)
      })
    },
    update(c, el) {
      attrs(el, { 'wx-vertical': !!c.data.vertical })
      const current = Number(c.data.current ?? 0)
      if (el.clientWidth > 0 && Math.round(el.scrollLeft / el.clientWidth) !== current) el.scrollLeft = current * el.clientWidth
      drawDots(c, el)
    },
  })
  define({ tag: 'swiper-item', properties: { itemId: prop(String, '', false) }, update() {} })
  define({
    tag: 'navigator',
    properties: { url: prop(String, ''), openType: prop(String, 'navigate'), delta: prop(Number, 1, false), hoverClass: prop(String, 'navigator-hover', false) },
    update(c, el) {
      attrs(el, { role: 'link' })
    },
  })
  define({
    tag: 'switch',
    properties: { checked: prop(Boolean, false), disabled: prop(Boolean, false), type: prop(String, 'switch'), color: prop(String, '#04BE02'), name: prop(String, '', false) },
    template: NO_CHILDREN,
    attached(c, el) {
      const box = document.createElement('input')
      box.type = 'checkbox'
      box.className = 'wx-switch-input'
      box.setAttribute('role', 'switch')
      box.addEventListener('change', () => {
        c.data.checked = box.checked
        c.triggerEvent('change', { value: box.checked })
      })
      el.appendChild(box)
      natives.set(el, box)
    },
    update(c, el) {
      const box = natives.get(el) as HTMLInputElement
      box.checked = !!c.data.checked
      box.disabled = !!c.data.disabled
      attrs(el, { 'wx-type': c.data.type })
      box.style.setProperty('--wx-switch-color', String(c.data.color))
    },
  })
  for (const tag of ['checkbox', 'radio'] as const)
    define({
      tag,
      properties: { value: prop(String, ''), checked: prop(Boolean, false), disabled: prop(Boolean, false), color: prop(String, '#09BB07') },
      template: '<slot/>',
      attached(_c, el) {
        const box = document.createElement('span')
        box.className = `wx-${tag}-box`
        el.insertBefore(box, el.firstChild)
      },
      update(c, el) {
        attrs(el, { 'wx-checked': !!c.data.checked, 'wx-disabled': !!c.data.disabled, role: tag, 'aria-checked': c.data.checked ? 'true' : 'false' })
      },
    })
  define({ tag: 'checkbox-group', properties: { name: prop(String, '', false) }, update() {} })
  define({ tag: 'radio-group', properties: { name: prop(String, '', false) }, update() {} })
  define({
    tag: 'form',
    properties: { reportSubmit: prop(Boolean, false, false) },
    // a real <form>: never let the browser submit it (form-type buttons trigger submit/reset events instead)
    attached(_c, el) {
      el.addEventListener('submit', (e) => e.preventDefault())
    },
    update() {},
  })
  define({
    tag: 'picker',
    properties: { mode: prop(String, 'selector'), range: prop(Array, []), rangeKey: prop(String, ''), value: prop(null, 0), disabled: prop(Boolean, false), start: prop(String, '', false), end: prop(String, '', false), name: prop(String, '', false) },
    update() {},
  })
  define({
    tag: 'canvas',
    properties: { type: prop(String, ''), canvasId: prop(String, ''), disableScroll: prop(Boolean, false, false) },
    template: NO_CHILDREN,
    // exparser makes the host a real <canvas> (children of a canvas never render): it is the 2d node
    attached(_c, el) {
      natives.set(el, el)
    },
    update() {},
  })
  define({
    tag: 'icon',
    properties: { type: prop(String, ''), size: prop(null, 23), color: prop(String, '') },
    template: NO_CHILDREN,
    update(c, el) {
      const glyph: Record<string, string> = { success: '✔', success_no_circle: '✓', info: 'ℹ', warn: '!', waiting: '◷', cancel: '✕', download: '↓', search: '⌕', clear: '✕' }
      el.textContent = glyph[String(c.data.type)] ?? ''
      attrs(el, { 'wx-type': c.data.type })
      el.style.fontSize = `${Number(c.data.size) || 23}px`
      if (c.data.color) el.style.color = String(c.data.color)
    },
  })
  define({
    tag: 'progress',
    properties: { percent: prop(Number, 0), showInfo: prop(Boolean, false), activeColor: prop(String, '#09BB07'), backgroundColor: prop(String, '#EBEBEB'), strokeWidth: prop(null, 6) },
    template: NO_CHILDREN,
    // exparser makes the host a real <progress> (its children never render): value and colours on it
    update(c, el) {
      const bar = el as HTMLProgressElement
      bar.max = 100
      bar.value = Math.min(100, Math.max(0, Number(c.data.percent)))
      bar.style.accentColor = String(c.data.activeColor)
      bar.style.height = `${Number(c.data.strokeWidth) || 6}px`
      bar.title = c.data.showInfo ? `${c.data.percent}%` : ''
    },
  })
  define({
    tag: 'rich-text',
    properties: { nodes: prop(null, '') },
    template: NO_CHILDREN,
    update(c, el) {
      const nodes = c.data.nodes
      if (typeof nodes === 'string') el.innerHTML = nodes.replace(/<script[\s\S]*?<\/script>/gi, '')
      else el.textContent = ''
    },
  })
}

/** Page dots as a label (a DOM sibling would disturb exparser's own children of the parent). */
function drawDots(c: Caller, el: HTMLElement): void {
  const count = el.querySelectorAll(':scope > swiper-item').length
  el.setAttribute('aria-label', count > 0 ? `${Number(c.data.current) + 1} / ${count}` : '')
}
