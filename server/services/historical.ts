// Historical results: per unit and field, the self and appraised points of a round run before the service existed,
// loaded from a report's CSV all at once or not at all, so earlier years can be compared and published.
import { sql } from 'drizzle-orm'
import type { Db, Executor } from '../db/client.js'
import { queryRows } from '../db/rows.js'
import { historicalResultsTable } from '../db/schema/index.js'
import { type Milli, milliToNumber, milliToString, parseMilli } from '../domain/decimal.js'
import type { CsvDialect, CsvRow } from '../domain/csv.js'
import { fieldStep, validateHistoricalCsv, validateHistoricalRows, type HistoricalCheck, type HistoricalContext, type HistoricalField, type HistoricalUnit } from '../domain/historical.js'
import { Errors } from '../errors.js'
import { audit } from './audit.js'
import { loadCatalog } from './catalogs.js'
import type { Actor } from './context.js'
import { noSuch } from '../messages/problems.js'
import { joinTexts, text as t } from '../messages/text.js'
import { firstSheetRows } from './spreadsheet.js'
import { zipRefusal } from '../storage/zip-limits.js'

export interface HistoricalImportResult {
  roundId: string
  unitType: string
  units: number
  replaced: number
}

/** An uploaded file of historical results: a CSV in a dialect (absent: detected from its header line), or an XLSX workbook. */
export type HistoricalFile = { csv: string, dialect?: CsvDialect | undefined } | { xlsx: Buffer }

const INSERT_CHUNK = 500

/** A file's rows as the checks read them: a workbook's first sheet holds the CSV's columns, its numbers as numbers. */
type HistoricalRows = { csv: string, dialect?: CsvDialect | undefined } | { rows: CsvRow[] }

/** Reads a workbook (before the import's transaction, which holds the round); a CSV is read by the checks themselves. */
async function readFile (file: HistoricalFile): Promise<HistoricalRows> {
  if ('csv' in file) return file
  // The workbook is a zip: its bounds are checked before the spreadsheet library inflates all of it.
  const refusal = await zipRefusal(file.xlsx)
  if (refusal) {
    throw Errors.historicalResultsInvalid(t(`The workbook was refused before it was opened: it looks like ${refusal.en}; nothing was stored.`,
      `Bảng tính bị từ chối trước khi mở: tệp có vẻ là ${refusal.vi}; chưa lưu gì.`))
  }
  const rows = await firstSheetRows(file.xlsx)
  if (rows === null) {
    throw Errors.historicalResultsInvalid(t('The file is not an XLSX workbook (Excel 2007 or later); nothing was stored.',
      'Tệp không phải bảng tính XLSX (Excel 2007 trở lên); chưa lưu gì.'))
  }
  return { rows }
}

function checkRows (file: HistoricalRows, context: HistoricalContext): HistoricalCheck {
  return 'csv' in file ? validateHistoricalCsv(file.csv, context, file.dialect) : validateHistoricalRows(file.rows, context, 'standard')
}

async function roundCatalog (db: Executor, roundId: string, unitType: string, lock: boolean): Promise<{ code: string, catalogId: string }> {
  const [round] = await queryRows<{ code: string }>(db, sql`select code from rounds where id = ${roundId} ${lock ? sql`for update` : sql``}`)
  if (!round) throw Errors.notFound(noSuch.round)
  const [type] = await queryRows<{ code: string }>(db, sql`select code from unit_types where code = ${unitType}`)
  if (!type) throw Errors.notFound(noSuch.unitType(unitType))
  const [catalog] = await queryRows<{ catalog_id: string }>(db, sql`select catalog_id from round_catalogs where round_id = ${roundId} and unit_type_code = ${unitType}`)
  if (!catalog) throw Errors.conflict(t(`Round ${round.code} has no catalog for unit type ${unitType}; set the catalog whose fields the results use first.`, `Kỳ đánh giá ${round.code} chưa có bộ tiêu chí cho loại đơn vị ${unitType}; hãy chọn bộ tiêu chí có các lĩnh vực của kết quả trước.`))
  return { code: round.code, catalogId: String(catalog.catalog_id) }
}

/**
 * Loads a report's field-level results (a CSV in either dialect, or the first sheet of an XLSX workbook) into a round
 * for one unit type: the columns unit_code, name_in_report,
 * f<field>_self, f<field>_appraised per field of the round's catalog, and optionally total_self_reported,
 * total_appraised_reported, rank_reported, class_reported (kept as the source of each row). Every problem is listed
 * at once (422) and nothing is stored; otherwise the unit type's earlier historical results in the round are replaced.
 * Refused (409) when the round has leaf-level scores for the unit type: a round's results come from one source.
 */
export async function importHistoricalResults (db: Db, actor: Actor, roundId: string, unitType: string, file: HistoricalFile): Promise<HistoricalImportResult> {
  const read = await readFile(file)
  return db.transaction(async (tx) => {
    const { code, catalogId } = await roundCatalog(tx, roundId, unitType, true)
    const [scored] = await queryRows<{ count: number }>(tx, sql`
      select ((select count(*) from self_assessments s join units u on u.id = s.unit_id where s.round_id = ${roundId} and u.unit_type_code = ${unitType})
        + (select count(*) from appraisals a join units u on u.id = a.unit_id where a.round_id = ${roundId} and u.unit_type_code = ${unitType}))::int as count`)
    if (Number(scored?.count ?? 0) > 0) {
      throw Errors.conflict(t(`Round ${code} has self-assessments or appraisals of unit type ${unitType}; its results come from those leaf scores, not from historical results.`,
        `Kỳ đánh giá ${code} đã có tự đánh giá hoặc thẩm định của loại đơn vị ${unitType}; kết quả được tính từ điểm các tiêu chí, không nhập từ kết quả các năm trước.`))
    }
    const catalog = await loadCatalog(tx, catalogId)
    const fields: HistoricalField[] = catalog.tree.map((field) => ({
      code: field.code,
      maxPoints: field.maxPoints,
      step: fieldStep(catalog.leaves.filter((leaf) => leaf.fieldCode === field.code).map((leaf) => leaf.node))
    }))
    const units = (await queryRows<Record<string, unknown>>(tx, sql`select id, code, name, short_name, unit_type_code, aliases from units`)).map((row): HistoricalUnit => ({
      id: String(row.id),
      code: String(row.code),
      name: String(row.name),
      shortName: row.short_name === null ? null : String(row.short_name),
      unitType: String(row.unit_type_code),
      aliases: (row.aliases ?? []) as string[]
    }))
    const { records, problems } = checkRows(read, { unitType, fields, units })
    if (problems.length > 0) {
      throw Errors.historicalResultsInvalid(joinTexts([t(`${problems.length} problem(s) in the file; nothing was stored.`, `Tệp có ${problems.length} vấn đề; chưa lưu gì.`),
        ...problems.slice(0, 5).map((p) => p.message), ...(problems.length > 5 ? [t('…', '…')] : [])]), { errors: problems })
    }
    const removed = await queryRows<{ unit_id: string }>(tx, sql`
      delete from historical_results h using units u
      where h.round_id = ${roundId} and u.id = h.unit_id and u.unit_type_code = ${unitType}
      returning h.unit_id`)
    const rows = records.flatMap((record) => record.fields.map((field) => ({
      roundId,
      unitId: record.unitId,
      fieldCode: field.code,
      selfPoints: milliToString(field.self),
      appraisedPoints: milliToString(field.appraised),
      source: {
        line: record.line,
        nameInReport: record.nameInReport,
        totalSelfReported: record.reported.totalSelf === null ? null : milliToNumber(record.reported.totalSelf),
        totalAppraisedReported: record.reported.totalAppraised === null ? null : milliToNumber(record.reported.totalAppraised),
        rankReported: record.reported.rank,
        classReported: record.reported.classification
      }
    })))
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await tx.insert(historicalResultsTable).values(rows.slice(i, i + INSERT_CHUNK))
    const replaced = new Set(removed.map((row) => String(row.unit_id))).size
    await audit(tx, actor, {
      action: 'historical_results.import',
      entityType: 'round',
      entityId: roundId,
      before: replaced > 0 ? { units: replaced } : null,
      after: { unitType, catalogId, units: records.length, unitCodes: records.map((record) => record.unitCode) }
    })
    return { roundId, unitType, units: records.length, replaced }
  })
}

export interface HistoricalUnitResult {
  unit: { id: string, code: string, name: string }
  fields: { code: string, self: number, appraised: number }[]
  source: Record<string, unknown> | null
  importedAt: string
}

/** The historical results stored for a round and unit type, per unit in Vietnamese name order, fields in catalog order. */
export async function listHistoricalResults (db: Executor, roundId: string, unitType: string): Promise<HistoricalUnitResult[]> {
  await roundCatalog(db, roundId, unitType, false)
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    select u.id, u.code, u.name, h.field_code, h.self_points::text as self_points, h.appraised_points::text as appraised_points, h.source, h.imported_at
    from historical_results h
    join units u on u.id = h.unit_id
    left join round_catalogs rc on rc.round_id = h.round_id and rc.unit_type_code = u.unit_type_code
    left join catalog_nodes f on f.catalog_id = rc.catalog_id and f.parent_id is null and f.code = h.field_code
    where h.round_id = ${roundId} and u.unit_type_code = ${unitType}
    order by u.sort_key, u.code, f.position, h.field_code`)
  const byUnit = new Map<string, HistoricalUnitResult>()
  const points = (text: unknown): number => milliToNumber(parseMilli(String(text)) as Milli)
  for (const row of rows) {
    const id = String(row.id)
    let unit = byUnit.get(id)
    if (unit === undefined) {
      byUnit.set(id, unit = {
        unit: { id, code: String(row.code), name: String(row.name) },
        fields: [],
        source: (row.source ?? null) as Record<string, unknown> | null,
        importedAt: (row.imported_at instanceof Date ? row.imported_at : new Date(String(row.imported_at))).toISOString()
      })
    }
    unit.fields.push({ code: String(row.field_code), self: points(row.self_points), appraised: points(row.appraised_points) })
  }
  return [...byUnit.values()]
}
