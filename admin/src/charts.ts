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

/** Splits a long name over lines of about `width` characters, for an axis label. */
export function wrapLabel (text: string, width = 34): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line)
      line = word
    } else {
      line = line ? `${line} ${word}` : word
    }
  }
  if (line) lines.push(line)
  return lines
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
    layout: { padding: { right: 48 } },
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

/** Height of a horizontal bar chart with `bars` categories of `perBar` pixels each. */
export function chartHeight (bars: number, perBar = 28): string {
  return `${Math.max(240, bars * perBar + 70)}px`
}
