/**
 * SVG charts of a fitted model, as pure strings: expected vs actual holdout purchases by
 * calibration frequency, and the P(alive) matrix over recency x frequency (the two charts the
 * lifetimes library draws to judge a fit).
 */

export interface HoldoutRow {
  /** Calibration repeat purchases, e.g. '0', '1', ..., '7+'. */
  label: string
  customers: number
  /** Mean purchases in the holdout period: observed and predicted by the model. */
  actual: number
  expected: number
}

const FONT = "font-family='Helvetica, Arial, PingFang SC, Microsoft YaHei, sans-serif'"

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;')
}

function niceStep(range: number, ticks: number): number {
  const raw = range / ticks
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)))
  const normalised = raw / magnitude
  const nice = normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 5 ? 5 : 10
  return nice * magnitude
}

function formatTick(value: number): string {
  return Number(value.toPrecision(6)).toString()
}

/** Returns an SVG line chart of actual and expected holdout purchases per calibration frequency. */
export function holdoutChart(rows: readonly HoldoutRow[], options: { title: string; subtitle: string }): string {
  const width = 720
  const height = 440
  const left = 70
  const right = 30
  const top = 70
  const bottom = 70
  const plotWidth = width - left - right
  const plotHeight = height - top - bottom
  const maxValue = Math.max(1e-9, ...rows.map((row) => Math.max(row.actual, row.expected)))
  const step = niceStep(maxValue, 5)
  const yMax = Math.ceil(maxValue / step) * step
  const xAt = (i: number) => left + (rows.length === 1 ? plotWidth / 2 : (i * plotWidth) / (rows.length - 1))
  const yAt = (value: number) => top + plotHeight - (value / yMax) * plotHeight
  const parts: string[] = []
  parts.push(`<svg xmlns='http://www.w3.org/2000/svg' width='${width}' height='${height}' viewBox='0 0 ${width} ${height}' ${FONT}>`)
  parts.push(`<rect width='${width}' height='${height}' fill='#ffffff'/>`)
  parts.push(`<text x='${left}' y='30' font-size='18' font-weight='bold' fill='#222'>${escapeXml(options.title)}</text>`)
  parts.push(`<text x='${left}' y='52' font-size='13' fill='#555'>${escapeXml(options.subtitle)}</text>`)
  for (let value = 0; value <= yMax + 1e-12; value += step) {
    const y = yAt(value)
    parts.push(`<line x1='${left}' x2='${left + plotWidth}' y1='${y.toFixed(1)}' y2='${y.toFixed(1)}' stroke='#e5e5e5'/>`)
    parts.push(`<text x='${left - 8}' y='${(y + 4).toFixed(1)}' font-size='12' text-anchor='end' fill='#555'>${formatTick(value)}</text>`)
  }
  rows.forEach((row, i) => {
    const x = xAt(i)
    parts.push(`<text x='${x.toFixed(1)}' y='${top + plotHeight + 20}' font-size='12' text-anchor='middle' fill='#555'>${escapeXml(row.label)}</text>`)
    parts.push(`<text x='${x.toFixed(1)}' y='${top + plotHeight + 36}' font-size='10' text-anchor='middle' fill='#999'>n=${row.customers}</text>`)
  })
  parts.push(`<text x='${left + plotWidth / 2}' y='${height - 12}' font-size='13' text-anchor='middle' fill='#333'>Repeat purchases in calibration 校准期复购次数</text>`)
  parts.push(`<text transform='translate(18 ${top + plotHeight / 2}) rotate(-90)' font-size='13' text-anchor='middle' fill='#333'>Mean purchases in holdout 验证期平均购买次数</text>`)
  const series: Array<{ name: string; color: string; dash: string; values: number[] }> = [
    { name: 'Actual 实际', color: '#1f77b4', dash: '', values: rows.map((row) => row.actual) },
    { name: 'Model 模型预测', color: '#d62728', dash: " stroke-dasharray='6 4'", values: rows.map((row) => row.expected) },
  ]
  series.forEach((line, k) => {
    const points = line.values.map((value, i) => `${xAt(i).toFixed(1)},${yAt(value).toFixed(1)}`).join(' ')
    parts.push(`<polyline points='${points}' fill='none' stroke='${line.color}' stroke-width='2.5'${line.dash}/>`)
    line.values.forEach((value, i) => parts.push(`<circle cx='${xAt(i).toFixed(1)}' cy='${yAt(value).toFixed(1)}' r='3.5' fill='${line.color}'/>`))
    const legendY = top + 10 + k * 20
    parts.push(`<line x1='${left + 14}' x2='${left + 44}' y1='${legendY}' y2='${legendY}' stroke='${line.color}' stroke-width='2.5'${line.dash}/>`)
    parts.push(`<text x='${left + 52}' y='${legendY + 4}' font-size='13' fill='#333'>${line.name}</text>`)
  })
  parts.push(`<rect x='${left}' y='${top}' width='${plotWidth}' height='${plotHeight}' fill='none' stroke='#999'/>`)
  parts.push('</svg>')
  return parts.join('\n')
}

/** Viridis-like ramp from 0 (dark purple) to 1 (yellow). */
const RAMP: ReadonlyArray<[number, number, number]> = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
]

function rampColor(value: number): string {
  const clamped = Math.min(1, Math.max(0, value))
  const position = clamped * (RAMP.length - 1)
  const lower = Math.min(Math.floor(position), RAMP.length - 2)
  const fraction = position - lower
  const channel = (k: number) => Math.round(RAMP[lower][k] + fraction * (RAMP[lower + 1][k] - RAMP[lower][k]))
  return `rgb(${channel(0)},${channel(1)},${channel(2)})`
}

/**
 * Returns an SVG heat map of P(alive) for customers of age `ageWeeks`, by repeat purchases
 * (rows, 1..maxFrequency, upwards) and the whole week of their last purchase (columns); grey
 * cells are impossible (more repeat purchase-days than days).
 */
export function pAliveMatrixChart(
  pAlive: (x: number, recencyWeeks: number) => number,
  options: { maxFrequency: number; ageWeeks: number; title: string; subtitle: string },
): string {
  const columns = Math.max(1, Math.floor(options.ageWeeks))
  const rows = Math.max(1, options.maxFrequency)
  const left = 70
  const top = 70
  const plotWidth = 560
  const plotHeight = 360
  const width = left + plotWidth + 110
  const height = top + plotHeight + 60
  const cellWidth = plotWidth / (columns + 1)
  const cellHeight = plotHeight / rows
  const parts: string[] = []
  parts.push(`<svg xmlns='http://www.w3.org/2000/svg' width='${width}' height='${height}' viewBox='0 0 ${width} ${height}' ${FONT}>`)
  parts.push(`<rect width='${width}' height='${height}' fill='#ffffff'/>`)
  parts.push(`<text x='${left}' y='30' font-size='18' font-weight='bold' fill='#222'>${escapeXml(options.title)}</text>`)
  parts.push(`<text x='${left}' y='52' font-size='13' fill='#555'>${escapeXml(options.subtitle)}</text>`)
  parts.push(`<g shape-rendering='crispEdges'>`)
  for (let x = 1; x <= rows; x++) {
    const y = top + plotHeight - x * cellHeight
    for (let column = 0; column <= columns; column++) {
      const recency = Math.min(column, options.ageWeeks)
      const value = x <= recency * 7 + 1e-9 ? pAlive(x, recency) : NaN
      const fill = Number.isFinite(value) ? rampColor(value) : '#f2f2f2'
      parts.push(`<rect x='${(left + column * cellWidth).toFixed(2)}' y='${y.toFixed(2)}' width='${(cellWidth + 0.5).toFixed(2)}' height='${(cellHeight + 0.5).toFixed(2)}' fill='${fill}'/>`)
    }
  }
  parts.push('</g>')
  const rowStep = rows <= 10 ? 1 : rows <= 20 ? 2 : 5
  for (let x = rowStep === 1 ? 1 : rowStep; x <= rows; x += rowStep) {
    const y = top + plotHeight - (x - 0.5) * cellHeight
    parts.push(`<text x='${left - 8}' y='${(y + 4).toFixed(1)}' font-size='12' text-anchor='end' fill='#555'>${x}</text>`)
  }
  const columnStep = niceStep(columns, 8)
  for (let column = 0; column <= columns; column += columnStep) {
    const x = left + (column + 0.5) * cellWidth
    parts.push(`<text x='${x.toFixed(1)}' y='${top + plotHeight + 18}' font-size='12' text-anchor='middle' fill='#555'>${formatTick(column)}</text>`)
  }
  parts.push(`<text x='${left + plotWidth / 2}' y='${height - 14}' font-size='13' text-anchor='middle' fill='#333'>Week of last purchase (recency) 最近一次购买所在周</text>`)
  parts.push(`<text transform='translate(20 ${top + plotHeight / 2}) rotate(-90)' font-size='13' text-anchor='middle' fill='#333'>Repeat purchases 复购次数</text>`)
  const legendX = left + plotWidth + 30
  for (let i = 0; i < 100; i++) {
    parts.push(`<rect x='${legendX}' y='${(top + plotHeight - ((i + 1) * plotHeight) / 100).toFixed(2)}' width='18' height='${(plotHeight / 100 + 0.3).toFixed(2)}' fill='${rampColor((i + 0.5) / 100)}'/>`)
  }
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<text x='${legendX + 24}' y='${(top + plotHeight - tick * plotHeight + 4).toFixed(1)}' font-size='12' fill='#555'>${tick}</text>`)
  }
  parts.push(`<text x='${legendX}' y='${top - 8}' font-size='12' fill='#333'>P(alive)</text>`)
  parts.push('</svg>')
  return parts.join('\n')
}
