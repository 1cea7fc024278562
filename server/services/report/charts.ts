// Charts of published results drawn on the server as PNG: Chart.js on @napi-rs/canvas (Skia), with Noto Sans loaded
// from its npm package, so the Vietnamese labels look the same on every machine and in the web app's style (the
// results screen draws the same horizontal bars with Chart.js). Every value and label is the published display text.
import { createRequire } from 'node:module'
import { createCanvas, GlobalFonts, type Canvas } from '@napi-rs/canvas'
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, type ChartConfiguration, type ChartItem, type Plugin } from 'chart.js'
import type { ClassificationBand } from '../../domain/catalog.js'
import type { ComputedResults } from '../../domain/results.js'
import { viDecimal } from '../../domain/report-format.js'
// A chart of one bar per unit is drawn this many units at a time, each part an image of its own: a province's communes
// or a national ranking in one image (2,000 units: 1,210 × 96,140 px) was scaled to a page and unreadable.
import { UNITS_PER_CHART_PART } from '../../schemas/report.js'

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend)

const FONT_FAMILY = 'Noto Sans'
const require = createRequire(import.meta.url)
let fontsLoaded = false

/** Registers the two weights of Noto Sans once per process (SIL Open Font License, from @expo-google-fonts/noto-sans). */
function loadFonts (): void {
  if (fontsLoaded) return
  for (const file of ['400Regular/NotoSans_400Regular.ttf', '700Bold/NotoSans_700Bold.ttf']) {
    const path = require.resolve(`@expo-google-fonts/noto-sans/${file}`)
    if (GlobalFonts.registerFromPath(path, FONT_FAMILY) === null) throw new Error(`Could not load the chart font ${path}`)
  }
  fontsLoaded = true
}

/** Width of a chart in CSS pixels (16 cm in the document at 96 dpi); drawn at twice that for print. */
export const CHART_WIDTH = 605

/**
 * How a chart is laid out: `wide` as in the report (605 CSS px, the names beside the bars); `narrow` for a phone's
 * screen (360 CSS px, each name above its bar, across the whole width), where the wide image scaled to the screen
 * wrote the names at about 6.5 px.
 */
export type ChartLayout = 'wide' | 'narrow'
const NARROW_WIDTH = 360
/** The narrow layout's bar thickness and a name's line height, in CSS px. */
const NARROW_BAR = 12
const NARROW_LINE = 14
const SCALE = 2
const TEXT = '#1f2933'
const GRID = '#e6eaf0'
const BAR = '#0b4f8a'
const AVERAGE_LINE = '#b42318'
/** Text size in CSS pixels: 11 px is 8,25 pt on the printed page. */
const FONT_SIZE = 11

/** Colours of the classification bands, best first, as on the web app's results screen (green to red). */
const BAND_COLOURS = ['#1a7f37', '#2563a8', '#c08a00', '#d9622b', '#b42318']

function bandColour (bands: readonly ClassificationBand[], code: string): string {
  const sorted = [...bands].sort((a, b) => b.min - a.min)
  const position = sorted.findIndex((band) => band.code === code)
  if (position < 0) return '#5f6b7a'
  const slot = sorted.length > BAND_COLOURS.length || sorted.length < 2 ? position : Math.round(position * (BAND_COLOURS.length - 1) / (sorted.length - 1))
  return BAND_COLOURS[Math.min(slot, BAND_COLOURS.length - 1)] ?? '#5f6b7a'
}

/**
 * Splits a long name over lines of about `width` characters, for an axis label; or over lines that `fits` (measured
 * in the chart's font). A longer word keeps a line of its own.
 */
function wrapLabel (text: string, width: number | ((line: string) => boolean)): string[] {
  const fits = typeof width === 'number' ? (candidate: string) => candidate.length <= width : width
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && !fits(`${line} ${word}`)) {
      lines.push(line)
      line = word
    } else {
      line = line ? `${line} ${word}` : word
    }
  }
  if (line) lines.push(line)
  return lines
}

// ---------------------------------------------------------------------------------------------------------------
// The charts of a unit type's results

export type ChartResults = Pick<ComputedResults, 'units' | 'fields' | 'average'> & { catalog: { classification: ClassificationBand[] } }

export type ChartKind = { kind: 'index' } | { kind: 'averages' } | { kind: 'field', code: string }

/** How many parts (images) a chart has: one for the field averages, one per 30 bars for the charts of one bar per unit. */
export function chartParts (results: Pick<ComputedResults, 'units'>, kind: ChartKind): number {
  if (kind.kind === 'averages') return 1
  const bars = kind.kind === 'index' ? results.units.length : results.units.filter((unit) => unit.fields.some((field) => field.code === kind.code)).length
  return Math.max(1, Math.ceil(bars / UNITS_PER_CHART_PART))
}

/** The charts of a unit type, in the report's order: the index of every unit, the field averages, one per field. */
export function chartNames (results: Pick<ComputedResults, 'fields'>): string[] {
  return ['index', 'averages', ...results.fields.map((field) => `field-${field.code}`)]
}

export function chartKind (results: Pick<ComputedResults, 'fields'>, name: string): ChartKind | null {
  if (name === 'index' || name === 'averages') return { kind: name }
  const code = name.startsWith('field-') ? name.slice('field-'.length) : null
  return code !== null && results.fields.some((field) => field.code === code) ? { kind: 'field', code } : null
}

interface Bars {
  labels: string[][]
  /** The names of the bars as they are (the narrow layout wraps them to its own width). */
  names: string[]
  datasets: { label: string, data: (number | null)[], colour: string }[]
  /** The text written past the end of each bar (one per label). */
  texts: string[]
  suffix: string
  legend: boolean
  /** A vertical line with its caption, e.g. the field average. */
  line: { value: number, text: string } | null
  perBar: number
}

/** The bars of one part (1-based) of a chart of one bar per unit; every part keeps the whole chart's legend and line. */
function partOf (bars: Bars, part: number): Bars {
  const from = (part - 1) * UNITS_PER_CHART_PART
  const to = from + UNITS_PER_CHART_PART
  return {
    ...bars,
    labels: bars.labels.slice(from, to),
    names: bars.names.slice(from, to),
    datasets: bars.datasets.map((dataset) => ({ ...dataset, data: dataset.data.slice(from, to) })),
    texts: bars.texts.slice(from, to)
  }
}

function indexBars (results: ChartResults): Bars {
  const bands = [...results.catalog.classification].sort((a, b) => b.min - a.min)
  const present = bands.filter((band) => results.units.some((unit) => unit.classification.code === band.code))
  return {
    labels: results.units.map((unit) => wrapLabel(unit.unit.name, 40)),
    names: results.units.map((unit) => unit.unit.name),
    // One dataset per band (null elsewhere), so the legend names the bands in their colours.
    datasets: present.map((band) => ({
      label: band.label,
      data: results.units.map((unit) => unit.classification.code === band.code ? Number(unit.appraised.index) : null),
      colour: bandColour(bands, band.code)
    })),
    texts: results.units.map((unit) => viDecimal(unit.appraised.indexDisplay)),
    suffix: '',
    legend: true,
    line: null,
    perBar: 24
  }
}

function averageBars (results: ChartResults): Bars {
  const averages = results.average?.appraised.fields ?? []
  const byCode = new Map(averages.map((field) => [field.code, field]))
  return {
    labels: results.fields.map((field) => wrapLabel(field.title, 44)),
    names: results.fields.map((field) => field.title),
    datasets: [{ label: 'Trung bình', data: results.fields.map((field) => Number(byCode.get(field.code)?.percentOfMaximum ?? 0)), colour: BAR }],
    texts: results.fields.map((field) => `${viDecimal(byCode.get(field.code)?.percentDisplay ?? '0.00')}%`),
    suffix: '%',
    legend: false,
    line: null,
    perBar: 40
  }
}

function fieldBars (results: ChartResults, code: string): Bars {
  // Every unit by its share of the field, highest first: the field's rank, then the published order (rank, name).
  const rows = results.units
    .map((unit, position) => ({ unit, position, field: unit.fields.find((candidate) => candidate.code === code) }))
    .filter((row) => row.field !== undefined)
    .sort((a, b) => (a.field?.rank ?? 0) - (b.field?.rank ?? 0) || a.position - b.position)
  const average = results.average?.appraised.fields.find((field) => field.code === code)
  return {
    labels: rows.map((row) => wrapLabel(row.unit.unit.name, 40)),
    names: rows.map((row) => row.unit.unit.name),
    datasets: [{ label: 'Tỷ lệ điểm thẩm định', data: rows.map((row) => Number(row.field?.appraised.percent ?? 0)), colour: BAR }],
    texts: rows.map((row) => `${viDecimal(row.field?.appraised.percentDisplay ?? '0.00')}%`),
    suffix: '%',
    legend: false,
    line: average === undefined ? null : { value: Number(average.percentOfMaximum), text: `Trung bình ${viDecimal(average.percentDisplay)}%` },
    perBar: 24
  }
}

/** Writes each bar's published display text just past its end, and fills the white background. */
function decorations (bars: Bars): Plugin<'bar'> {
  return {
    id: 'reportDecorations',
    beforeDraw (chart) {
      const context = chart.ctx
      context.save()
      context.fillStyle = '#ffffff'
      context.fillRect(0, 0, chart.width, chart.height)
      context.restore()
    },
    // The average line goes behind the bars, so the value labels stay readable where they cross it.
    beforeDatasetsDraw (chart) {
      if (bars.line === null) return
      const context = chart.ctx
      const x = chart.scales.x?.getPixelForValue(bars.line.value) ?? 0
      const { top, bottom, right } = chart.chartArea
      context.save()
      context.strokeStyle = AVERAGE_LINE
      context.lineWidth = 1.5
      context.setLineDash([5, 3])
      context.beginPath()
      context.moveTo(x, top)
      context.lineTo(x, bottom)
      context.stroke()
      context.font = `700 ${FONT_SIZE}px "${FONT_FAMILY}"`
      context.fillStyle = AVERAGE_LINE
      context.textBaseline = 'bottom'
      context.textAlign = x > right - 80 ? 'right' : 'left'
      context.fillText(bars.line.text, x + (context.textAlign === 'right' ? -4 : 4), top - 2)
      context.restore()
    },
    afterDatasetsDraw (chart) {
      const context = chart.ctx
      context.save()
      context.font = `700 ${FONT_SIZE}px "${FONT_FAMILY}"`
      context.fillStyle = TEXT
      context.textBaseline = 'middle'
      chart.data.datasets.forEach((dataset, datasetIndex) => {
        const meta = chart.getDatasetMeta(datasetIndex)
        meta.data.forEach((bar, index) => {
          if (dataset.data[index] === null) return
          const text = bars.texts[index]
          if (text) context.fillText(text, bar.x + 4, bar.y)
        })
      })
      context.restore()
    }
  }
}

interface Drawn { canvas: Canvas, chart: Chart<'bar', (number | null)[], string[]> }

/**
 * The narrow layout: each name above its bar, from the chart's left edge, in lines as wide as the chart. Chart.js
 * centres a bar in its category, so the category is twice as tall above the bar as the names need.
 */
function narrowNames (names: string[][]): Plugin<'bar'> {
  return {
    id: 'narrowNames',
    afterDatasetsDraw (chart) {
      const context = chart.ctx
      const y = chart.scales.y
      if (!y) return
      context.save()
      context.font = `${FONT_SIZE}px "${FONT_FAMILY}"`
      context.fillStyle = TEXT
      context.textAlign = 'left'
      context.textBaseline = 'bottom'
      names.forEach((lines, index) => {
        const barTop = y.getPixelForValue(index) - NARROW_BAR / 2
        lines.forEach((line, i) => context.fillText(line, chart.chartArea.left, barTop - 2 - (lines.length - 1 - i) * NARROW_LINE))
      })
      context.restore()
    }
  }
}

/** Draws a chart on a canvas of its own; `encode` then takes the PNG and releases both. */
function draw (bars: Bars, layout: ChartLayout = 'wide'): Drawn {
  loadFonts()
  const narrow = layout === 'narrow'
  const width = narrow ? NARROW_WIDTH : CHART_WIDTH
  let names: string[][] = []
  let height: number
  if (narrow) {
    const measure = createCanvas(1, 1).getContext('2d')
    measure.font = `${FONT_SIZE}px "${FONT_FAMILY}"`
    names = bars.names.map((name) => wrapLabel(name, (line) => measure.measureText(line).width <= width - 20))
    const most = Math.max(1, ...names.map((lines) => lines.length))
    height = Math.max(200, bars.names.length * (2 * most * NARROW_LINE + NARROW_BAR + 6) + (bars.legend ? 90 : 50))
  } else {
    const lines = bars.labels.reduce((sum, label) => sum + Math.max(1, label.length), 0)
    height = Math.max(200, Math.max(bars.labels.length * bars.perBar, lines * (FONT_SIZE + 3) + bars.labels.length * 6) + (bars.legend ? 70 : 50))
  }
  const canvas = createCanvas(width, height)
  const configuration: ChartConfiguration<'bar', (number | null)[], string[]> = {
    type: 'bar',
    data: {
      labels: bars.labels,
      datasets: bars.datasets.map((dataset) => ({
        label: dataset.label,
        data: dataset.data,
        backgroundColor: dataset.colour,
        borderWidth: 0,
        grouped: false,
        skipNull: true,
        ...(narrow ? { barThickness: NARROW_BAR } : { barPercentage: 0.8, categoryPercentage: 0.9 })
      }))
    },
    options: {
      indexAxis: 'y',
      responsive: false,
      animation: false,
      devicePixelRatio: SCALE,
      font: { family: FONT_FAMILY, size: FONT_SIZE },
      color: TEXT,
      layout: { padding: { right: 52, top: bars.line === null ? 4 : 16, left: narrow ? 6 : 0 } },
      scales: {
        x: {
          min: 0,
          max: 100,
          grid: { color: GRID },
          ticks: { color: TEXT, font: { family: FONT_FAMILY, size: FONT_SIZE }, callback: (value) => `${viDecimal(String(value))}${bars.suffix}` }
        },
        y: { grid: { display: false }, ticks: { display: !narrow, autoSkip: false, color: TEXT, font: { family: FONT_FAMILY, size: FONT_SIZE } } }
      },
      plugins: {
        legend: { display: bars.legend, position: 'top', align: 'start', labels: { color: TEXT, boxWidth: 12, font: { family: FONT_FAMILY, size: FONT_SIZE } } }
      }
    },
    plugins: [decorations(bars), ...(narrow ? [narrowNames(names)] : [])]
  }
  // Chart.js draws on any 2D context; with responsive off it sizes the canvas itself (× devicePixelRatio).
  return { canvas, chart: new Chart(canvas.getContext('2d') as unknown as ChartItem, configuration) }
}

/**
 * PNG of a drawn canvas, encoded on libuv's thread pool (so the next chart is drawn meanwhile), then the canvas's
 * pixels released at once rather than when the collector gets to it: a chart holds about 6 MB of them.
 */
async function encode ({ canvas, chart }: Drawn): Promise<Buffer> {
  try {
    return await canvas.encode('png')
  } finally {
    // Only now: destroying a chart clears its canvas.
    chart.destroy()
    canvas.width = 1
    canvas.height = 1
  }
}

function barsOf (results: ChartResults, kind: ChartKind): Bars {
  return kind.kind === 'index' ? indexBars(results) : kind.kind === 'averages' ? averageBars(results) : fieldBars(results, kind.code)
}

/** The bars of a part of a chart; the field averages are one part, whatever the number of fields. */
function barsOfPart (whole: Bars, kind: ChartKind, part: number): Bars {
  return kind.kind === 'averages' ? whole : partOf(whole, part)
}

/** One part (1-based) of a chart of a unit type's published results as PNG bytes; null when the results have no such chart or part. */
export async function renderChart (results: ChartResults, name: string, part = 1, layout: ChartLayout = 'wide'): Promise<Buffer | null> {
  const kind = chartKind(results, name)
  if (kind === null || !Number.isInteger(part) || part < 1 || part > chartParts(results, kind)) return null
  return await encode(draw(barsOfPart(barsOf(results, kind), kind, part), layout))
}

// Rendered charts by published version, name and part: a version never changes, so neither do its charts. Bounded by
// their bytes, the oldest dropped first: a report's charts are about 2 MB for a province's few dozen units of a type,
// 35 MB for 560 communes, 124 MB for 2,000 units (those are drawn again for each report: 18 s of its 28).
const MAX_CACHED_BYTES = 64 * 1024 * 1024
const cache = new Map<string, Buffer>()
let cachedBytes = 0
const keyOf = (versionId: string, name: string, part: number, layout: ChartLayout = 'wide') => `${versionId}:${name}:${part}:${layout}`
/** Charts being drawn, by version, name, part and layout. */
const inFlight = new Map<string, Promise<Buffer | null>>()

function remember (key: string, png: Buffer): void {
  if (cache.has(key)) return
  cache.set(key, png)
  cachedBytes += png.length
  for (const [oldest, bytes] of cache) {
    if (cachedBytes <= MAX_CACHED_BYTES || oldest === key) break
    cache.delete(oldest)
    cachedBytes -= bytes.length
  }
}

/** A part (1-based) of a chart of a published version in a layout, rendered once and then served from memory; null for an unknown name or part. */
export async function publishedChart (versionId: string, results: ChartResults, name: string, part = 1, layout: ChartLayout = 'wide'): Promise<Buffer | null> {
  const key = keyOf(versionId, name, part, layout)
  const cached = cache.get(key)
  if (cached !== undefined) return cached
  // Requests arriving together (a portal's visitors just after a publication) share one drawing: a chart of 500 units
  // took over a second of the thread pool to encode in one image, which file writes and compression share.
  let drawing = inFlight.get(key)
  if (drawing === undefined) {
    drawing = renderChart(results, name, part, layout).then((png) => {
      if (png !== null) remember(key, png)
      return png
    }).finally(() => inFlight.delete(key))
    inFlight.set(key, drawing)
  }
  return await drawing
}

/**
 * Every chart of a published version by name, each as its parts in order. Each part is drawn while the one before it
 * is being encoded, so at most two canvases are alive at a time.
 */
export async function publishedCharts (versionId: string, results: ChartResults): Promise<Map<string, Buffer[]>> {
  const out = new Map<string, Buffer[]>()
  let encoding: Promise<void> | null = null
  for (const name of chartNames(results)) {
    const kind = chartKind(results, name) as ChartKind
    const parts: Buffer[] = []
    out.set(name, parts)
    // The whole chart's bars once (its labels wrapped, a field's units sorted), then each part a slice of them.
    let whole: Bars | null = null
    for (let part = 1; part <= chartParts(results, kind); part++) {
      const key = keyOf(versionId, name, part)
      const cached = cache.get(key)
      if (cached !== undefined) {
        parts[part - 1] = cached
        continue
      }
      whole ??= barsOf(results, kind)
      const drawn = draw(barsOfPart(whole, kind, part))
      const index = part - 1
      const done = encode(drawn).then((png) => {
        remember(key, png)
        parts[index] = png
      })
      if (encoding !== null) await encoding
      encoding = done
    }
  }
  if (encoding !== null) await encoding
  return out
}
