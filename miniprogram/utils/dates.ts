/**
 * Dates for display, with dayjs in Chinese. The zh-cn locale is registered from here rather than
 * from 'dayjs/locale/zh-cn': DevTools' npm build packs only a package's main entry into
 * miniprogram_npm, so a locale subpath would not exist on the phone.
 */
import dayjs from 'dayjs'

const ZH_CN = {
  name: 'zh-cn',
  weekdays: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
  weekdaysShort: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
  weekdaysMin: ['日', '一', '二', '三', '四', '五', '六'],
  months: ['一月', '二月', '三月', '四月', '五月', '六月', '七月', '八月', '九月', '十月', '十一月', '十二月'],
  monthsShort: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'],
  ordinal: (n: number) => `${n}日`,
  weekStart: 1,
  yearStart: 4,
  formats: { LT: 'HH:mm', LTS: 'HH:mm:ss', L: 'YYYY/MM/DD', LL: 'YYYY年M月D日', LLL: 'YYYY年M月D日Ah点mm分', LLLL: 'YYYY年M月D日ddddAh点mm分' },
  meridiem: (hour: number) => (hour < 12 ? '上午' : '下午'),
}

dayjs.locale(ZH_CN as unknown as ILocale, undefined, true)

type DateInput = string | number | Date

/** '2026年11月3日' */
export function formatDay(input: DateInput): string {
  return dayjs(input).locale('zh-cn').format('YYYY年M月D日')
}

/** '11月3日 周二 14:05' */
export function formatDateTime(input: DateInput): string {
  return dayjs(input).locale('zh-cn').format('M月D日 ddd HH:mm')
}

/** Whole days from `input` to `now` (0 for today). */
export function daysSince(input: DateInput, now: DateInput = Date.now()): number {
  return dayjs(now).startOf('day').diff(dayjs(input).startOf('day'), 'day')
}
