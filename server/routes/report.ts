// The annual report of a round (admins: a Word document of its published results) and the report's chart images of a
// published version (public, like the published results they draw).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { Errors } from '../errors.js'
import { IdParams, problems } from '../schemas/common.js'
import { ChartParams, ChartQuery, DOCX_MEDIA_TYPE, ReportQuery, UNITS_PER_CHART_PART } from '../schemas/report.js'
import { ConditionalHeaders } from '../schemas/results.js'
// The report's modules (docx, chart.js, the canvas) are loaded at the first report or chart, not at start.
import type { ReportSettings } from '../services/report/index.js'
import { getPublishedResults } from '../services/results.js'
import { contentDisposition } from '../storage/filename.js'
import { answerConditional, notModifiedResponse } from './results.js'
import { text as t } from '../messages/text.js'

export interface ReportRoutesOptions {
  settings: ReportSettings
  /** Requests per minute per client address to the public chart route. */
  ratePerMinute: number
}

/** Sends bytes of a media type (the typed reply of a route whose schema describes a binary body expects a string). */
function sendBytes (reply: FastifyReply, contentType: string, body: Buffer): FastifyReply {
  return reply.type(contentType).send(body)
}

const reportRoutes: FastifyPluginAsyncTypebox<ReportRoutesOptions> = async (app, options) => {
  app.get('/rounds/:id/report', {
    config: { access: { roles: ['admin'] }, responseHeaders: { 200: ['content-disposition'] } },
    schema: {
      operationId: 'getRoundReport',
      summary: 'The annual report of a round as a Word document (DOCX), from its published results',
      description: 'Báo cáo kết quả xác định Chỉ số CCHC: heading block, the index\'s structure from the catalogs, per unit type Bảng 1/3 (rank, unit, ' +
        'self and appraised points, index, classification), Biểu đồ 1 (index of every unit), Bảng 2/4 (points per field with the average and maxima ' +
        'rows, on landscape pages), the field averages chart and one section per field with its chart and paragraph of figures (average and change on ' +
        'the previous year, units at the maximum, from 80 %, below 80 %, the highest and lowest), classification counts, moves in rank and class, the ' +
        'self-against-appraised gaps; conclusions left to the staff (highlighted placeholders); "Nơi nhận" and signature. ' +
        'Built only from published versions: the latest of each unit type, or those named in `versions`. 404 RESULTS_NOT_PUBLISHED when nothing ' +
        '(or a unit type asked for) is published; 409 REPORT_INCOMPLETE when, without `unitTypes`, some unit types taking part are not published yet.',
      tags: ['report'],
      params: IdParams,
      querystring: ReportQuery,
      response: {
        200: {
          description: 'The report (Content-Disposition: attachment; the file name is Vietnamese, with an ASCII fallback)',
          content: { [DOCX_MEDIA_TYPE]: { schema: Type.String({ format: 'binary' }) } }
        },
        ...problems(400, 401, 403, 404, 409)
      }
    }
  }, async (request, reply) => {
    const { unitTypes, versions } = request.query
    const { parseVersions, sharedReport } = await import('../services/report/index.js')
    const file = await sharedReport(app.db, request.params.id, {
      unitTypes: unitTypes?.split(','),
      versions: parseVersions(versions)
    }, options.settings)
    reply
      .header('content-disposition', contentDisposition(file.filename))
      .header('cache-control', 'private, no-store')
      .header('x-report-versions', file.parts.map((part) => `${part.unitType}:${part.version}`).join(','))
    return sendBytes(reply, file.contentType, file.body)
  })

  app.get('/public/rounds/:id/results/:unitType/charts/:chart', {
    config: { access: { public: true }, rateLimit: { max: options.ratePerMinute, timeWindow: '1 minute' }, responseHeaders: { 200: ['x-chart-parts', 'cache-control', 'vary'], 304: ['x-chart-parts', 'cache-control', 'vary'] } },
    schema: {
      operationId: 'getPublicResultsChart',
      summary: 'A chart of the annual report as PNG, from published results: index.png, averages.png or field-<code>.png',
      description: 'The same images as in the report (without their "Biểu đồ n." caption, which depends on the document), drawn on the server with ' +
        'Vietnamese labels in an embedded font, 1210 px wide. The latest version by default, or ?version=n. A chart of one bar per unit comes in ' +
        `parts of ${UNITS_PER_CHART_PART} units, as in the report: ?part=k (default 1); X-Chart-Parts says how many, and a part beyond them is 404 NOT_FOUND. ` +
        '?layout=narrow draws it for a phone\'s screen (720 px wide, each name above its bar). ETag is the version, chart, part and layout; Cache-Control is public, max-age=60 for the latest and immutable for a numbered version.',
      tags: ['public'],
      params: ChartParams,
      querystring: ChartQuery,
      headers: ConditionalHeaders,
      response: {
        200: { description: 'The chart, or the part of it asked for', content: { 'image/png': { schema: Type.String({ format: 'binary' }) } } },
        ...notModifiedResponse,
        ...problems(400, 404, 429)
      }
    }
  }, async (request, reply) => {
    const { version, part = 1, layout = 'wide' } = request.query
    const published = await getPublishedResults(app.db, request.params.id, request.params.unitType, version)
    const name = request.params.chart.replace(/\.png$/, '')
    const { chartKind, chartParts, publishedChart } = await import('../services/report/charts.js')
    const kind = chartKind(published.snapshot, name)
    if (kind === null) {
      const charts = `index.png, averages.png, ${published.snapshot.fields.map((field) => `field-${field.code}.png`).join(', ')}`
      throw Errors.notFound(t(`These results have no chart ${request.params.chart}; the charts are ${charts}.`, `Kết quả không có biểu đồ ${request.params.chart}; các biểu đồ là ${charts}.`))
    }
    const parts = chartParts(published.snapshot, kind)
    if (part > parts) {
      throw Errors.notFound(t(`The chart ${request.params.chart} has ${parts} part${parts === 1 ? '' : 's'}; ask for part 1 to ${parts}.`,
        `Biểu đồ ${request.params.chart} có ${parts} phần; hãy hỏi phần 1 đến ${parts}.`))
    }
    reply.header('x-chart-parts', parts)
    const etag = `"${published.id}.${name}${part > 1 ? `.${part}` : ''}${layout === 'narrow' ? '.narrow' : ''}"`
    if (answerConditional(request, reply, etag, version === undefined ? 'public, max-age=60' : 'public, max-age=31536000, immutable')) return reply
    const png = await publishedChart(published.id, published.snapshot, name, part, layout) as Buffer
    return sendBytes(reply, 'image/png', png)
  })
}

export default reportRoutes
