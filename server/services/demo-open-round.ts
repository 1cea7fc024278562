// The demo's open round of the current year, with one unit officer account per unit and one appraiser per field, so a
// newcomer can try every role: the officers' self-assessment, the appraisers' desk and the admin's coordination.
import { eq } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { catalogsTable, unitsTable, usersTable } from '../db/schema/index.js'
import { audit } from './audit.js'
import { cloneCatalog, loadCatalog, publishCatalog } from './catalogs.js'
import { systemActor, type Actor } from './context.js'
import { demoLeafScores } from './demo-round.js'
import { setAssignments } from './appraisal.js'
import { addParticipants } from './round-participants.js'
import { transitionRound } from './round-moves.js'
import { createRound, setRoundCatalogs } from './rounds.js'
import { saveSelfAssessment, submitSelfAssessment } from './self-assessment.js'
import { hashPassword, randomPassword } from './secrets.js'
import { officerDisplayName, officerUsername } from './unit-officers.js'

/** The 2020 catalogs the open round's catalogs are cloned from, per unit type. */
const SOURCE_CATALOGS = { department: 'TH-2020-SO', district: 'TH-2020-HUYEN' } as const

/** One appraiser per field, each from the department whose expertise the field needs (DOMAIN.md §1). */
export const DEMO_APPRAISERS = [
  { username: 'thamdinh1', displayName: 'Lê Minh Hà (Sở Nội vụ)', fieldCode: '1' },
  { username: 'thamdinh2', displayName: 'Trần Quốc Bảo (Sở Tư pháp)', fieldCode: '2' },
  { username: 'thamdinh3', displayName: 'Phạm Thu Trang (Văn phòng UBND tỉnh)', fieldCode: '3' },
  { username: 'thamdinh4', displayName: 'Nguyễn Đức Long (Sở Nội vụ)', fieldCode: '4' },
  { username: 'thamdinh5', displayName: 'Hoàng Thị Mai (Sở Nội vụ)', fieldCode: '5' },
  { username: 'thamdinh6', displayName: 'Vũ Văn Nam (Sở Tài chính)', fieldCode: '6' },
  { username: 'thamdinh7', displayName: 'Đỗ Thanh Tùng (Sở Thông tin và Truyền thông)', fieldCode: '7' }
] as const

/** Departments that have already answered (and some submitted) when the demo starts, so the screens show every state. */
const PREFILLED = [
  { unitCode: 'SO-TTTT', submit: true },
  { unitCode: 'SO-TP', submit: true },
  { unitCode: 'SO-NV', submit: false }
] as const

const DAY_MS = 24 * 60 * 60 * 1000

/** A deadline `days` from now at 17:00 Vietnam time, the end of an office day. */
function officeDeadline (now: Date, days: number): string {
  const vietnam = new Date(now.getTime() + 7 * 60 * 60 * 1000 + days * DAY_MS)
  return `${vietnam.toISOString().slice(0, 10)}T17:00:00+07:00`
}

export interface DemoOpenRound {
  roundId: string
  code: string
  /** The password of every demo account; returned only when it was generated (to print it once). */
  generatedPassword?: string
}

/**
 * Creates the open round of the current year when none with that code exists: catalogs cloned from 2020 and
 * published, every active unit taking part, deadlines weeks ahead, the demo accounts, appraisers assigned to their
 * field of both catalogs, the round opened for self-assessment, and a few departments already answering. Everything
 * goes through the services, so the demo holds only what the API itself could have written.
 */
export async function loadDemoOpenRound (db: Db, options: { password?: string | undefined, now?: Date } = {}): Promise<DemoOpenRound | null> {
  const now = options.now ?? new Date()
  const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(now))
  const code = String(year)
  const catalogIds: Record<string, string> = {}
  for (const [unitType, sourceCode] of Object.entries(SOURCE_CATALOGS)) {
    const [source] = await db.select({ id: catalogsTable.id }).from(catalogsTable).where(eq(catalogsTable.code, sourceCode))
    if (!source) throw new Error(`The demo's open round needs the catalog ${sourceCode}; load the demo catalogs first.`)
    const clone = await cloneCatalog(db, systemActor, source.id, { code: sourceCode.replace('2020', code), year })
    await publishCatalog(db, systemActor, clone.id)
    catalogIds[unitType] = clone.id
  }
  const round = await createRound(db, systemActor, {
    code,
    title: `Kỳ đánh giá Chỉ số CCHC năm ${year} (dữ liệu minh họa)`,
    year,
    selfAssessmentClosesAt: officeDeadline(now, 30),
    supplementClosesAt: officeDeadline(now, 45),
    appraisalClosesAt: officeDeadline(now, 60)
  })
  await setRoundCatalogs(db, systemActor, round.id, Object.entries(catalogIds).map(([unitType, catalogId]) => ({ unitType, catalogId })))
  await addParticipants(db, systemActor, round.id, { unitTypes: Object.keys(catalogIds) })

  const password = options.password ?? randomPassword()
  const officers = await createDemoAccounts(db, password)
  await setAssignments(db, systemActor, round.id, DEMO_APPRAISERS.flatMap((appraiser) => Object.keys(catalogIds).map((unitType) => ({
    unitType, fieldCode: appraiser.fieldCode, userId: officers.appraisers.get(appraiser.username) as string
  }))))
  await transitionRound(db, systemActor, round.id, 'self_assessment')
  await prefill(db, round.id, catalogIds.department as string, officers.byUnitCode)
  return { roundId: round.id, code, ...(options.password === undefined ? { generatedPassword: password } : {}) }
}

interface DemoAccounts {
  /** Per unit code: the officer's actor, to answer as them. */
  byUnitCode: Map<string, { unitId: string, actor: Actor }>
  /** Per appraiser username: the user id. */
  appraisers: Map<string, string>
}

/** One officer per active unit and the appraisers, all with one password hashed once; one audit row names them all. */
async function createDemoAccounts (db: Db, password: string): Promise<DemoAccounts> {
  const passwordHash = await hashPassword(password)
  const units = await db.select({ id: unitsTable.id, code: unitsTable.code, name: unitsTable.name }).from(unitsTable).where(eq(unitsTable.active, true))
  return db.transaction(async (tx) => {
    const officerRows = await tx.insert(usersTable).values(units.map((unit) => ({
      username: officerUsername(unit.code),
      displayName: officerDisplayName(unit.name),
      role: 'unit_officer' as const,
      unitId: unit.id,
      passwordHash
    }))).returning({ id: usersTable.id, username: usersTable.username, displayName: usersTable.displayName, unitId: usersTable.unitId })
    const appraiserRows = await tx.insert(usersTable).values(DEMO_APPRAISERS.map((appraiser) => ({
      username: appraiser.username, displayName: appraiser.displayName, role: 'appraiser' as const, passwordHash
    }))).returning({ id: usersTable.id, username: usersTable.username })
    await audit(tx, systemActor, {
      action: 'demo.accounts',
      entityType: 'user',
      entityId: 'demo',
      after: { unitOfficers: officerRows.map((row) => row.username), appraisers: appraiserRows.map((row) => row.username) }
    })
    const codeOf = new Map(units.map((unit) => [unit.id, unit.code]))
    return {
      byUnitCode: new Map(officerRows.map((row) => [codeOf.get(row.unitId as string) as string, {
        unitId: row.unitId as string,
        actor: { principal: { kind: 'user', id: row.id, username: row.username, displayName: row.displayName, role: 'unit_officer', unitId: row.unitId, sessionId: 'demo' } }
      }])),
      appraisers: new Map(appraiserRows.map((row) => [row.username, row.id]))
    }
  })
}

/** A few departments answer every leaf with their 2020 self scores (as their officer would), some then submit. */
async function prefill (db: Db, roundId: string, departmentCatalogId: string, officers: DemoAccounts['byUnitCode']): Promise<void> {
  const scores = demoLeafScores(await loadCatalog(db, departmentCatalogId))
  for (const { unitCode, submit } of PREFILLED) {
    const officer = officers.get(unitCode)
    const unitScores = scores.find((score) => score.unitCode === unitCode)
    if (!officer || !unitScores) continue
    const entries = [...unitScores.fields.values()].flatMap(({ self }) => self.map((choice) => ({
      leafCode: choice.leafCode,
      input: choice.input,
      explanation: 'Đơn vị đã triển khai đầy đủ theo kế hoạch CCHC năm; tài liệu kiểm chứng sẽ bổ sung khi được yêu cầu.'
    })))
    const saved = await saveSelfAssessment(db, officer.actor, roundId, officer.unitId, { ifMatch: '*', entries })
    if (submit) await submitSelfAssessment(db, officer.actor, roundId, officer.unitId, { ifMatch: [saved.version] })
  }
}
