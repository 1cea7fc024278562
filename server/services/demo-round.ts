// The demo 2020 round: the 20 departments scored leaf by leaf so that every field adds up to the report's table
// (self and appraised), appraised, finalized and published, so a newcomer sees the 2020 results at once.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import {
  appraisalEntriesTable, appraisalsTable, catalogsTable, roundCatalogsTable, roundsTable, roundUnitsTable, selfAssessmentEntriesTable,
  selfAssessmentsTable, unitsTable
} from '../db/schema/index.js'
import { parseMilli, type Milli } from '../domain/decimal.js'
import { distributePoints, type LeafChoice } from '../domain/demo-scores.js'
import { parseCsv } from '../domain/csv.js'
import { fixturesDir } from '../paths.js'
import { audit } from './audit.js'
import { loadCatalog } from './catalogs.js'
import { systemActor } from './context.js'
import { publishResults } from './results.js'

export const DEMO_ROUND_CODE = '2020'
const DEPARTMENT_CATALOG_CODE = 'TH-2020-SO'
const RESULTS_FILE = join(fixturesDir, 'results', 'thanh-hoa-2020-so-nganh.csv')
const EXPLANATION = 'Dữ liệu minh họa: điểm của tiêu chí được phân bổ từ điểm lĩnh vực trong Báo cáo Chỉ số CCHC năm 2020.'
const REASON = 'Theo kết quả thẩm định trong Báo cáo Chỉ số CCHC năm 2020 (điểm tiêu chí minh họa).'
const INSERT_CHUNK = 500

export interface DemoUnitScores {
  unitCode: string
  /** Per field code: the leaf scores of the self-assessment and of the appraisal. */
  fields: Map<string, { self: LeafChoice[], appraised: LeafChoice[] }>
}

/** The report's field points of each department, spread over each field's leaves (exact sums, valid values). */
export function demoLeafScores (catalog: Awaited<ReturnType<typeof loadCatalog>>, csv: string = readFileSync(RESULTS_FILE, 'utf8')): DemoUnitScores[] {
  const { rows, problem } = parseCsv(csv)
  if (problem !== null) throw new Error(`${RESULTS_FILE}: ${problem.message}`)
  const [header, ...body] = rows
  if (header === undefined) throw new Error(`${RESULTS_FILE} is empty`)
  const column = (name: string): number => {
    const index = header.cells.indexOf(name)
    if (index < 0) throw new Error(`${RESULTS_FILE} has no column ${name}`)
    return index
  }
  return body.map((row) => {
    const unitCode = row.cells[column('unit_code')] as string
    const fields = new Map<string, { self: LeafChoice[], appraised: LeafChoice[] }>()
    for (const field of catalog.tree) {
      const leaves = catalog.leaves.filter((leaf) => leaf.fieldCode === field.code).map((leaf) => leaf.node)
      const spread = (side: 'self' | 'appraised'): LeafChoice[] => {
        const text = row.cells[column(`f${field.code}_${side}`)] ?? ''
        const target = parseMilli(text)
        const choices = target === null ? null : distributePoints(leaves, target)
        if (choices === null) throw new Error(`${unitCode} field ${field.code} ${side}: ${text} cannot be spread over the field's leaves`)
        return choices
      }
      fields.set(field.code, { self: spread('self'), appraised: spread('appraised') })
    }
    return { unitCode, fields }
  })
}

/**
 * Creates the 2020 round of the departments when it does not exist yet (needs the demo units and the published
 * 2020 department catalog): a real round with catalog and participants, submitted self-assessments and finalized
 * appraisals with their leaf entries, then published through publishResults (which moves it to published).
 * Rows are inserted directly, in one transaction, for speed. Returns whether it created the round.
 */
export async function loadDemoRound2020 (db: Db): Promise<boolean> {
  const [existing] = await db.select({ id: roundsTable.id }).from(roundsTable).where(eq(roundsTable.code, DEMO_ROUND_CODE))
  if (existing) return false
  const [catalogRow] = await db.select({ id: catalogsTable.id, status: catalogsTable.status }).from(catalogsTable).where(eq(catalogsTable.code, DEPARTMENT_CATALOG_CODE))
  if (!catalogRow || catalogRow.status !== 'published') throw new Error(`The demo round needs the published catalog ${DEPARTMENT_CATALOG_CODE}; load the demo catalogs first.`)
  const catalog = await loadCatalog(db, catalogRow.id)
  const scores = demoLeafScores(catalog)
  const units = new Map((await db.select({ id: unitsTable.id, code: unitsTable.code }).from(unitsTable)).map((unit) => [unit.code, unit.id]))
  const missing = scores.map((score) => score.unitCode).filter((code) => !units.has(code))
  if (missing.length > 0) throw new Error(`The demo round needs the units ${missing.join(', ')}; load the demo units first.`)

  const roundId = await db.transaction(async (tx) => {
    const [round] = await tx.insert(roundsTable).values({
      code: DEMO_ROUND_CODE,
      title: 'Kỳ đánh giá Chỉ số CCHC năm 2020',
      year: 2020,
      status: 'finalized',
      selfAssessmentClosesAt: new Date('2021-01-15T17:00:00+07:00'),
      supplementClosesAt: new Date('2021-02-01T17:00:00+07:00'),
      appraisalClosesAt: new Date('2021-02-15T17:00:00+07:00')
    }).returning({ id: roundsTable.id })
    const id = (round as { id: string }).id
    await tx.insert(roundCatalogsTable).values({ roundId: id, unitTypeCode: 'department', catalogId: catalog.catalog.id })
    await tx.insert(roundUnitsTable).values(scores.map((score) => ({ roundId: id, unitId: units.get(score.unitCode) as string })))
    const selfEntries: typeof selfAssessmentEntriesTable.$inferInsert[] = []
    const appraisalEntries: typeof appraisalEntriesTable.$inferInsert[] = []
    for (const score of scores) {
      const unitId = units.get(score.unitCode) as string
      const [selfAssessment] = await tx.insert(selfAssessmentsTable).values({
        roundId: id, unitId, catalogId: catalog.catalog.id, status: 'submitted', version: 1, submittedAt: new Date('2021-01-10T09:00:00+07:00')
      }).returning({ id: selfAssessmentsTable.id })
      const [appraisal] = await tx.insert(appraisalsTable).values({
        roundId: id, unitId, status: 'finalized', version: 1, finalizedAt: new Date('2021-02-15T09:00:00+07:00')
      }).returning({ id: appraisalsTable.id })
      for (const [fieldCode, { self, appraised }] of score.fields) {
        const selfPoints = new Map<string, Milli>(self.map((choice) => [choice.leafCode, choice.points]))
        for (const choice of self) {
          selfEntries.push({ selfAssessmentId: (selfAssessment as { id: string }).id, leafCode: choice.leafCode, fieldCode, input: choice.input, pointsMilli: choice.points, notApplicable: false, explanation: EXPLANATION })
        }
        for (const choice of appraised) {
          // An appraised score that differs from the self score needs its reason (DOMAIN.md §2.4).
          const differs = selfPoints.get(choice.leafCode) !== choice.points
          appraisalEntries.push({ appraisalId: (appraisal as { id: string }).id, leafCode: choice.leafCode, fieldCode, input: choice.input, pointsMilli: choice.points, notApplicable: false, reason: differs ? REASON : null })
        }
      }
    }
    for (let i = 0; i < selfEntries.length; i += INSERT_CHUNK) await tx.insert(selfAssessmentEntriesTable).values(selfEntries.slice(i, i + INSERT_CHUNK))
    for (let i = 0; i < appraisalEntries.length; i += INSERT_CHUNK) await tx.insert(appraisalEntriesTable).values(appraisalEntries.slice(i, i + INSERT_CHUNK))
    await audit(tx, systemActor, { action: 'demo.round', entityType: 'round', entityId: id, after: { code: DEMO_ROUND_CODE, units: scores.length, catalog: DEPARTMENT_CATALOG_CODE } })
    return id
  })
  await publishResults(db, systemActor, roundId, { unitType: 'department' })
  return true
}
