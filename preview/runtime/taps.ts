/**
 * A click (mouse, or playwright's click) is a tap: j-component only turns touch sequences into
 * `tap`, so clicks inside a page are dispatched to exparser as `tap` on the clicked element,
 * bubbling through bind:tap/catch:tap as on a phone. Built-in behaviour on tap (button open-types,
 * navigator, checkbox, ...) is in builtins.ts.
 */
import exparser from 'miniprogram-exparser'
import { onBuiltinTap } from './builtins'

export function bindTaps(frame: HTMLElement): void {
  frame.addEventListener('click', (evt) => {
    // the nearest element exparser made (native parts of built-ins, like an image's <img>, are not its own)
    let target = evt.target as (Node & { __wxElement?: unknown }) | null
    while (target && !target.__wxElement && target !== frame) target = target.parentNode
    if (!target || target === frame) return
    const detail = { x: evt.pageX, y: evt.pageY }
    const touch = { pageX: evt.pageX, pageY: evt.pageY, clientX: evt.clientX, clientY: evt.clientY }
    exparser.Event.dispatchEvent(
      target,
      exparser.Event.create('tap', detail, {
        originalEvent: evt,
        bubbles: true,
        capturePhase: true,
        composed: true,
        extraFields: { touches: [touch], changedTouches: [touch] },
      }),
    )
    onBuiltinTap(target, evt)
  })
}
