// Chart.js setup of the results charts: only the parts of horizontal bar charts are registered, numbers read the
// Vietnamese way (decimal comma), no animation. Imported only by the chart components, which the results screen
// loads on demand, so chart.js stays out of the other screens.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartOptions, type Plugin } from 'chart.js'
import { formatPoints } from './format'

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend)

Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif'
Chart.defaults.font.size = 12
Chart.defaults.color = '#1f2933'
Chart.defaults.locale = 'vi-VN'

/** Colours of the two sides of a score. */
export const SELF_COLOUR = '#8fb8de'
export const APPRAISED_COLOUR = '#0b4f8a'

/** Pixels of the value written past a bar's end (valueLabels), kept free on the right of every chart. */
const VALUE_ROOM = 56

const measure = document.createElement('canvas').getContext('2d')
/** The width in pixels of a line of an axis label, in the charts' font. */
function textWidth (text: string): number {
  if (!measure) return text.length * 7
  measure.font = `${Chart.defaults.font.size}px ${String(Chart.defaults.font.family)}`
  return measure.measureText(text).width
}

/** Splits a name over lines no wider than `width` pixels (a longer word keeps a line of its own). */
function wrapLabel (text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && textWidth(`${line} ${word}`) > width) {
      lines.push(line)
      line = word
    } else {
      line = line ? `${line} ${word}` : word
    }
  }
  if (line) lines.push(line)
  return lines
}

/**
 * The axis labels of a chart `chartWidth` pixels wide: the label area is as wide as the longest name, but at most
 * `max` pixels and 45% of the chart, longer names going over several lines. Chart.js gives the axis half the chart at
 * most and cuts off what is wider, which is how names lost their start on a phone.
 */
export function wrapLabels (texts: string[], chartWidth: number, max = 420): string[][] {
  // Before its box is measured the chart is taken to be wide.
  const area = chartWidth > 0 ? Math.min(max, Math.max(80, (chartWidth - VALUE_ROOM) * 0.45)) : max
  return texts.map((text) => wrapLabel(text, area))
}

/** A value axis from 0 to `max` whose ticks read "80" or "80%" with a decimal comma. */
function valueAxis (max: number, suffix: string) {
  return {
    min: 0,
    max,
    grid: { color: '#e6eaf0' },
    // A maximum like 19 or 20.5 is no round tick: leave it out rather than crowd the last two.
    ticks: { includeBounds: false, callback: (value: number | string) => `${formatPoints(Number(value))}${suffix}` }
  }
}

/**
 * Options of a horizontal bar chart: categories down the side, values across from 0 to `max`. `tooltip` gives the
 * text of a bar (dataset, index), from the API's display strings.
 */
export function barOptions (options: { max: number, suffix?: string, legend?: boolean, tooltip: (dataset: number, index: number) => string }): ChartOptions<'bar'> {
  return {
    indexAxis: 'y',
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    layout: { padding: { right: VALUE_ROOM } },
    scales: {
      x: valueAxis(options.max, options.suffix ?? ''),
      y: { grid: { display: false }, ticks: { autoSkip: false } }
    },
    plugins: {
      legend: { display: options.legend ?? false, position: 'top', align: 'start' },
      tooltip: {
        callbacks: {
          label: (item) => options.tooltip(item.datasetIndex, item.dataIndex)
        }
      }
    }
  }
}

/** Writes each bar's value (the API's display text, already in Vietnamese form) just past its end. */
export function valueLabels (labels: () => string[][]): Plugin<'bar'> {
  return {
    id: 'valueLabels',
    afterDatasetsDraw (chart) {
      const texts = labels()
      const context = chart.ctx
      context.save()
      context.font = `600 11px ${String(Chart.defaults.font.family)}`
      context.fillStyle = '#1f2933'
      context.textBaseline = 'middle'
      chart.data.datasets.forEach((_, datasetIndex) => {
        const meta = chart.getDatasetMeta(datasetIndex)
        if (meta.hidden) return
        meta.data.forEach((bar, index) => {
          const text = texts[datasetIndex]?.[index]
          if (text) context.fillText(text, bar.x + 4, bar.y)
        })
      })
      context.restore()
    }
  }
}

/** Height of a horizontal bar chart: `perBar` pixels a category, more when its labels take several lines. */
export function chartHeight (labels: string[][], perBar = 28): string {
  const lines = Math.max(1, ...labels.map((label) => label.length))
  // Chart.js writes a label's lines 1.2 × its 12 px font apart.
  const each = Math.max(perBar, Math.ceil(lines * 14.4) + 2)
  return `${Math.max(240, labels.length * each + 70)}px`
}

/** A chart of one bar per unit is drawn this many units a canvas (BarChartParts), as the tables show a page. */
export const UNITS_PER_PART = 100

/** The units of part `k` (from 0) of a chart of one bar per unit. */
export function partOf<T> (rows: readonly T[], k: number): T[] {
  return rows.slice(k * UNITS_PER_PART, (k + 1) * UNITS_PER_PART)
}

/** Each part of a chart of one bar per unit: its number, where it starts, its units and their names as axis labels. */
export function unitParts<T> (rows: readonly T[], chartWidth: number, name: (row: T) => string): { k: number, offset: number, rows: T[], labels: string[][] }[] {
  return Array.from({ length: Math.ceil(rows.length / UNITS_PER_PART) }, (_, k) => {
    const part = partOf(rows, k)
    return { k, offset: k * UNITS_PER_PART, rows: part, labels: wrapLabels(part.map(name), chartWidth) }
  })
}

/** `make(k)` made once per part: a part's plugin reads its rows when drawn, and the chart keeps the plugin it was made with. */
export function oncePerPart<T> (make: (k: number) => T): (k: number) => T {
  const made = new Map<number, T>()
  return (k) => {
    if (!made.has(k)) made.set(k, make(k))
    return made.get(k) as T
  }
}
