/**
 * WXSS -> browser CSS for the preview: `@import` inlined, rpx turned into px for a frame of
 * `frameWidth` CSS px (750 rpx = the frame), each class selector scoped the way the page's
 * elements are (j-component writes class `a` of a page with prefix `p` as `p--a`), and the
 * `page` selector aimed at the page's root element. Pure, so `npm test` covers it.
 */
import fs from 'node:fs'
import path from 'node:path'

export const FRAME_WIDTH = 375

/** Reads `file` with every `@import "x.wxss";` replaced by that file's text (relative to the importer, each file once). */
export function readWxss(file: string, seen = new Set<string>()): string {
  if (seen.has(file) || !fs.existsSync(file)) return ''
  seen.add(file)
  const text = fs.readFileSync(file, 'utf8')
  return text.replace(/@import\s+(?:"([^"]+)"|'([^']+)')\s*;?/g, (_all, a: string | undefined, b: string | undefined) => {
    const target = a ?? b ?? ''
    const resolved = target.startsWith('/') ? path.join(path.dirname(file), target) : path.resolve(path.dirname(file), target)
    return readWxss(resolved, seen)
  })
}

/** `24rpx` -> `12px` on a 375 px frame (fractions kept, as WeChat renders them). */
export function rpxToPx(css: string, frameWidth = FRAME_WIDTH): string {
  return css.replace(/(-?\d*\.?\d+)rpx\b/g, (_all, n: string) => `${round((Number(n) * frameWidth) / 750)}px`)
}

function round(n: number): string {
  return String(Math.round(n * 1000) / 1000)
}

/** One selector scoped: `.a .b:hover` -> `.p--a .p--b:hover`; `page` -> the page root. */
export function scopeSelector(selector: string, prefix: string, pageRoot: string): string {
  let out = selector.replace(/\.(-?[_a-zA-Z][-_a-zA-Z0-9]*)/g, (_all, name: string) => `.${prefix}--${name}`)
  out = out.replace(/(^|[\s>+~,(])page(?![-_a-zA-Z0-9])/g, (_all, lead: string) => `${lead}${pageRoot}`)
  return out
}

/**
 * Scopes every rule of `css` (plain rules and rules inside @media/@supports); @keyframes and
 * @font-face pass through untouched; rpx becomes px everywhere.
 */
export function scopeWxss(css: string, prefix: string, pageRoot: string, frameWidth = FRAME_WIDTH): string {
  const source = rpxToPx(css.replace(/\/\*[\s\S]*?\*\//g, ''), frameWidth)
  let out = ''
  let i = 0
  const readBlock = (start: number): number => {
    // returns the index just after the matching '}' of the '{' at `start`
    let depth = 0
    for (let j = start; j < source.length; j++) {
      if (source[j] === '{') depth++
      else if (source[j] === '}' && --depth === 0) return j + 1
    }
    return source.length
  }
  const walk = (from: number, to: number): string => {
    let text = ''
    i = from
    while (i < to) {
      const open = source.indexOf('{', i)
      if (open === -1 || open >= to) {
        text += source.slice(i, to).replace(/[^;]*;?/, (s) => (s.trim().startsWith('@') ? s : ''))
        break
      }
      const head = source.slice(i, open).trim()
      const end = readBlock(open)
      if (/^@(media|supports)/.test(head)) {
        const inner = walk(open + 1, end - 1)
        text += `${head}{${inner}}\n`
      } else if (head.startsWith('@')) {
        text += `${head}${source.slice(open, end)}\n`
      } else if (head !== '') {
        const selectors = head
          .split(',')
          .map((s) => scopeSelector(s.trim(), prefix, pageRoot))
          .join(', ')
        text += `${selectors}${source.slice(open, end)}\n`
      }
      i = end
    }
    return text
  }
  out = walk(0, source.length)
  return out
}
