// Results test data: the report's 2020 department rows (read independently of the service), leaf inputs that add up to
// each field's points, a published demo round, and direct changes for what no API allows (checking immutability).
import type { FastifyInstance } from 'fastify'
import { sql } from 'drizzle-orm'
import { leaves, type CatalogNode } from '../../server/domain/catalog.js'
import { parseMilli } from '../../server/domain/decimal.js'
import { distributePoints } from '../../server/domain/demo-scores.js'
import { loadDemoData } from '../../server/services/demo.js'
import { DEMO_ROUND_CODE, loadDemoRound2020 } from '../../server/services/demo-round.js'
import { queryRows } from '../../server/db/rows.js'
import { DEPARTMENT_CATALOG, loadCatalog, parseCsv, readFixture } from '../domain/fixtures.js'
import type { EnteredInput } from '../../server/domain/scoring.js'

export const RESULTS_CSV = readFixture('results/thanh-hoa-2020-so-nganh.csv')

/** The report's rows (Bảng 2 field points and Bảng 1 totals, ranks, classifications), as written in the fixture. */
export const reportRows: Record<string, string>[] = parseCsv(RESULTS_CSV)

export const departmentCatalog = loadCatalog(DEPARTMENT_CATALOG)
export const FIELD_CODES = departmentCatalog.nodes.map((field) => field.code)

export interface LeafEntry { leafCode: string, input: EnteredInput, points: number }

/** Leaf inputs of one department that add up exactly to the report's field points of one side. */
export function leafEntries (unitCode: string, side: 'self' | 'appraised'): LeafEntry[] {
  const row = reportRows.find((candidate) => candidate.unit_code === unitCode)
  if (row === undefined) throw new Error(`no report row for ${unitCode}`)
  return departmentCatalog.nodes.flatMap((field) => {
    const fieldLeaves = leaves({ nodes: [field] }).map((leaf) => leaf.node as CatalogNode)
    const target = parseMilli(row[`f${field.code}_${side}`] ?? '')
    const choices = target === null ? null : distributePoints(fieldLeaves, target)
    if (choices === null) throw new Error(`${unitCode} field ${field.code} ${side} cannot be spread over its leaves`)
    return choices.map((choice) => ({ leafCode: choice.leafCode, input: choice.input, points: choice.points / 1000 }))
  })
}

/** Units, both catalogs and the published 2020 round of the demo loader; returns the round id. */
export async function publishedDemoRound (app: FastifyInstance): Promise<string> {
  await loadDemoData(app.db)
  await loadDemoRound2020(app.db)
  const [round] = await queryRows<{ id: string }>(app.db, sql`select id from rounds where code = ${DEMO_ROUND_CODE}`)
  if (!round) throw new Error('the demo round was not created')
  return round.id
}

/** Runs SQL as a mistaken query would, bypassing every service (to check what the database itself refuses). */
export async function rawSql (app: FastifyInstance, text: string): Promise<unknown[]> {
  return queryRows(app.db, sql.raw(text))
}
