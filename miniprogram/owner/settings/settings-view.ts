/**
 * Pure parts of the owner's settings page: the form as text drafts, the one percent parser
 * (percent entered, basis points sent), yuan through utils/money's parseYuanToFen, the rule
 * labels and their plain-words help, the partial change (only changed fields), and the refit.
 */
import type { BindingMode } from '../../../typings/referral'
import type { AllSettings, RefitJobView, RefitPhase, ValueModelSummary } from '../../../typings/store'
import type { ValueModelSource } from '../../../typings/value'
import type { SettingsUpdate } from '../../services/store'
import { formatDateTime, formatDay } from '../../utils/dates'
import { formatFen, parseYuanToFen } from '../../utils/money'

// ---- parsers ----------------------------------------------------------------------------------

/**
 * A percentage as typed, in basis points: '10' → 1000, '12.5' → 1250, '0.01' → 1; null
 * otherwise. A basis point is a hundredth of a percent as a fen is a hundredth of a yuan, so
 * the grammar (digits, at most 2 decimals, no sign) is parseYuanToFen's.
 */
export function parsePercentToBps(text: string): number | null {
  return parseYuanToFen(text)
}

/** Basis points as a percentage to edit: 1000 → '10', 1250 → '12.5', 1 → '0.01'. */
export function bpsToPercentText(bps: number): string {
  const whole = Math.floor(bps / 100)
  const cents = bps % 100
  return cents === 0 ? String(whole) : `${whole}.${String(cents).padStart(2, '0').replace(/0$/, '')}`
}

/** Fen as yuan to edit: 1000 → '10.00'. */
export function fenToYuanText(fen: number): string {
  return formatFen(fen).replace('¥', '')
}

/** A whole number as typed ('7'), or null. */
export function parseWholeNumber(text: string): number | null {
  const trimmed = text.trim()
  if (!/^\d{1,9}$/.test(trimmed)) return null
  return Number(trimmed)
}

// ---- the binding rule in words ----------------------------------------------------------------

export const BINDING_MODES: readonly BindingMode[] = ['permanentFirstTouch', 'firstTouchWindow', 'lastTouch']

/** '永久首次', '首次 30 天内有效', '最后一次'. */
export function bindingRuleLabel(mode: BindingMode, windowDays: number | string): string {
  if (mode === 'permanentFirstTouch') return '永久首次'
  if (mode === 'lastTouch') return '最后一次'
  return `首次 ${String(windowDays).trim() || 'N'} 天内有效`
}

/** What the rule means for whose customer a person becomes, in plain words. */
export function bindingRuleHelp(mode: BindingMode, windowDays: number | string): string {
  const n = String(windowDays).trim() || 'N'
  if (mode === 'permanentFirstTouch') return '顾客第一次打开谁的分享，就永远是谁的客户，之后打开别人的分享也不会改变。'
  if (mode === 'lastTouch') return '顾客最近一次打开谁的分享，就算谁的客户：每次打开其他销售员的分享都会改绑。'
  return `顾客第一次打开谁的分享就是谁的客户；${n} 天内打开其他销售员的分享不会改绑，${n} 天后打开别人的分享才会改绑。`
}

// ---- the form ---------------------------------------------------------------------------------

/** What the inputs hold: text drafts, the binding mode and whether free shipping over a threshold is on. */
export interface SettingsForm {
  mode: BindingMode
  windowDays: string
  commissionPercent: string
  coolingOffDays: string
  flatFeeYuan: string
  freeShipping: boolean
  freeFromYuan: string
  marginPercent: string
  annualDiscountPercent: string
  autoCompleteDays: string
}

export type FormField = Exclude<keyof SettingsForm, 'mode' | 'freeShipping'>

export const FORM_FIELDS: readonly FormField[] = ['windowDays', 'commissionPercent', 'coolingOffDays', 'flatFeeYuan', 'freeFromYuan', 'marginPercent', 'annualDiscountPercent', 'autoCompleteDays']

export function toForm(settings: AllSettings): SettingsForm {
  const { store, referral } = settings
  return {
    mode: referral.mode,
    windowDays: String(referral.windowDays),
    commissionPercent: bpsToPercentText(store.commission.rateBps),
    coolingOffDays: String(store.commission.coolingOffDays),
    flatFeeYuan: fenToYuanText(store.shipping.flatFeeFen),
    freeShipping: store.shipping.freeFromFen !== null,
    freeFromYuan: store.shipping.freeFromFen === null ? '' : fenToYuanText(store.shipping.freeFromFen),
    marginPercent: bpsToPercentText(store.value.marginBps),
    annualDiscountPercent: bpsToPercentText(store.value.annualDiscountBps),
    autoCompleteDays: String(store.autoCompleteDays),
  }
}

interface FieldRule {
  parse: (text: string) => number | null
  min: number
  max: number
  message: string
}

/** Each field's parser, bounds (as the store function enforces them) and the message when it is off. */
const RULES: Readonly<Record<FormField, FieldRule>> = {
  windowDays: { parse: parseWholeNumber, min: 1, max: 365, message: '保护天数需为 1-365 的整数' },
  commissionPercent: { parse: parsePercentToBps, min: 0, max: 10_000, message: '佣金比例需在 0-100 之间，最多两位小数' },
  coolingOffDays: { parse: parseWholeNumber, min: 0, max: 90, message: '佣金冷静期需为 0-90 的整数天' },
  flatFeeYuan: { parse: parseYuanToFen, min: 0, max: 100_000, message: '运费需在 0-1000 元之间，最多两位小数' },
  freeFromYuan: { parse: parseYuanToFen, min: 0, max: 100_000_000, message: '包邮门槛需在 0-1000000 元之间，最多两位小数' },
  marginPercent: { parse: parsePercentToBps, min: 0, max: 10_000, message: '毛利率需在 0-100 之间，最多两位小数' },
  annualDiscountPercent: { parse: parsePercentToBps, min: 1, max: 10_000, message: '年折现率需在 0.01-100 之间，最多两位小数' },
  autoCompleteDays: { parse: parseWholeNumber, min: 1, max: 60, message: '自动确认收货需为 1-60 的整数天' },
}

export type ChangeResult = { ok: true; change: SettingsUpdate | null } | { ok: false; field: FormField; message: string }

/**
 * The change to send: only the fields whose parsed value differs from `current` (nested groups
 * in part), null when nothing changed; or the first invalid field and its message. The window
 * days count only under the window rule, the threshold only with free shipping on.
 */
export function formToChange(form: SettingsForm, current: AllSettings): ChangeResult {
  const values: Partial<Record<FormField, number>> = {}
  for (const field of FORM_FIELDS) {
    if (field === 'windowDays' && form.mode !== 'firstTouchWindow') continue
    if (field === 'freeFromYuan' && !form.freeShipping) continue
    const rule = RULES[field]
    const value = rule.parse(form[field])
    if (value === null || value < rule.min || value > rule.max) return { ok: false, field, message: rule.message }
    values[field] = value
  }
  const { store, referral } = current
  const change: { store: NonNullable<SettingsUpdate['store']>; referral: NonNullable<SettingsUpdate['referral']> } = { store: {}, referral: {} }
  const set = <G extends 'shipping' | 'commission' | 'value'>(group: G, key: string, next: unknown, now: unknown) => {
    if (next === undefined || next === now) return
    change.store[group] = { ...(change.store[group] ?? {}), [key]: next } as never
  }
  if (form.mode !== referral.mode) change.referral.mode = form.mode
  if (values.windowDays !== undefined && values.windowDays !== referral.windowDays) change.referral.windowDays = values.windowDays
  set('shipping', 'flatFeeFen', values.flatFeeYuan, store.shipping.flatFeeFen)
  set('shipping', 'freeFromFen', form.freeShipping ? values.freeFromYuan : null, store.shipping.freeFromFen)
  set('commission', 'rateBps', values.commissionPercent, store.commission.rateBps)
  set('commission', 'coolingOffDays', values.coolingOffDays, store.commission.coolingOffDays)
  set('value', 'marginBps', values.marginPercent, store.value.marginBps)
  set('value', 'annualDiscountBps', values.annualDiscountPercent, store.value.annualDiscountBps)
  if (values.autoCompleteDays !== undefined && values.autoCompleteDays !== store.autoCompleteDays) change.store.autoCompleteDays = values.autoCompleteDays

  const result: SettingsUpdate = {}
  if (Object.keys(change.store).length > 0) result.store = change.store
  if (Object.keys(change.referral).length > 0) result.referral = change.referral
  return { ok: true, change: result.store || result.referral ? result : null }
}

/** The plain-words help under each setting. */
export const HELP = {
  commission: '订单商品金额（不含运费）按这个比例记为销售员的佣金。',
  coolingOff: '顾客确认收货后再过这么多天，佣金才可以提现；期间发生退款会扣回。',
  shipping: '每单收取固定运费；开启满额包邮后，商品金额达到门槛的订单免运费。',
  margin: '估算顾客价值时用的毛利率：顾客价值 ≈ 预计未来消费 × 毛利率。',
  annualDiscount: '把将来的收入折算成今天的价值时每年打的折扣；越高越看重近期的消费。',
  autoComplete: '发货后顾客一直没有确认收货，满这么多天自动确认收货。',
  refit: '价值模型每晚自动更新；改了毛利率或年折现率、或想马上看到最新评分时，可以立即重新拟合。',
} as const

export interface ModeOption {
  value: BindingMode
  label: string
  selected: boolean
}

/** The labels and help that follow the drafts (mode chips, the rule in words). */
export function bindingView(mode: BindingMode, windowDays: string): { modeOptions: ModeOption[]; bindingHelp: string; showWindow: boolean } {
  return {
    modeOptions: BINDING_MODES.map((value) => ({ value, label: bindingRuleLabel(value, value === 'firstTouchWindow' ? windowDays : ''), selected: value === mode })),
    bindingHelp: bindingRuleHelp(mode, windowDays),
    showWindow: mode === 'firstTouchWindow',
  }
}

// ---- the value model and its refit ------------------------------------------------------------

export const REFIT_PHASE_TEXT: Readonly<Record<RefitPhase, string>> = {
  fit: '正在拟合模型',
  rescore: '正在为顾客重新评分',
  recent: '正在核对拟合期间付款的顾客',
  referral: '正在计算推荐价值',
  done: '已完成',
}

const SOURCE_TEXT: Readonly<Record<ValueModelSource, string>> = {
  fit: '用本店的购买记录拟合',
  prior: '回头客不足 50 位或拟合不稳，用公开的经验参数按本店客单价校准',
  rfm: '还没有可用的消费数据，只按最近购买、次数和金额分级',
}

export interface InfoRow {
  key: string
  label: string
  value: string
}

export interface RefitView {
  /** The model in force, row by row; empty before the first fit. */
  modelRows: InfoRow[]
  /** A job is running (the button waits, the page polls). */
  refitRunning: boolean
  /** e.g. '正在为顾客重新评分 · 已评分 120 位' or '上次拟合：11月27日 周五 21:05 完成（店主发起），评分 52 位'. */
  refitText: string
}

export function toRefitView(job: RefitJobView | null, model: ValueModelSummary | null, current: AllSettings | null): RefitView {
  const modelRows: InfoRow[] = model
    ? [
        { key: 'fittedAt', label: '拟合日期', value: formatDay(model.fittedAt) },
        { key: 'source', label: '方法', value: SOURCE_TEXT[model.source] },
        { key: 'customers', label: '依据顾客', value: `${model.customers} 位（回头客 ${model.repeatCustomers} 位）` },
        ...(current
          ? [{ key: 'scoring', label: '估值参数', value: `毛利率 ${bpsToPercentText(current.store.value.marginBps)}%，年折现率 ${bpsToPercentText(current.store.value.annualDiscountBps)}%` }]
          : []),
        { key: 'version', label: '版本', value: model.version },
      ]
    : []
  if (!job) return { modelRows, refitRunning: false, refitText: model ? '' : '还没有拟合过价值模型' }
  if (job.phase !== 'done') return { modelRows, refitRunning: true, refitText: `${REFIT_PHASE_TEXT[job.phase]} · 已评分 ${job.rescored} 位` }
  const by = job.trigger === 'owner' ? '店主发起' : '夜间自动'
  const at = formatDateTime(job.finishedAt ?? job.updatedAt)
  return { modelRows, refitRunning: false, refitText: `上次拟合：${at} 完成（${by}），评分 ${job.rescored} 位，推荐价值 ${job.referrers} 位` }
}
