// Assessment rounds: creation, deadlines, catalogs per unit type, participants and extensions (status moves: round-moves.ts). Every change is audited.
import { and, asc, count, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm'
import type { Db, Executor } from '../db/client.js'
import { catalogsTable, roundCatalogsTable, roundsTable, roundUnitsTable, unitsTable, unitTypesTable } from '../db/schema/index.js'
import { allowedMoves, deadlineProblems, effectiveDeadline, formatVietnamDateTime, formatVietnamTime, ROUND_TIME_ZONE, type RoundDeadlines, type RoundMove, type RoundProblem, type RoundStatus } from '../domain/lifecycle.js'
import { Errors } from '../errors.js'
import { audit } from './audit.js'
import type { Actor } from './context.js'
import { appraisalDeadlineChanged, selfAssessmentDeadlineChanged, selfAssessmentExtension, supplementDeadlineChanged } from './notifications/events.js'
import { columnsOf, concurrently, queryRows } from '../db/rows.js'
import { noSuch, statusName } from '../messages/problems.js'
import { joinTexts, text as t, type Text } from '../messages/text.js'
import { fieldProblem, fieldProblemsText } from '../messages/validation.js'
import { type IfMatch, namesVersion } from './versions.js'

export type RoundRow = typeof roundsTable.$inferSelect

export interface DeadlinesInput {
  selfAssessmentClosesAt?: string | null | undefined
  appraisalClosesAt?: string | null | undefined
  supplementClosesAt?: string | null | undefined
}

export interface NewRound extends DeadlinesInput {
  code: string
  title: string
  year: number
}

export interface RoundChanges extends DeadlinesInput {
  code?: string | undefined
  title?: string | undefined
  year?: number | undefined
}

export interface RoundCatalogChoice {
  unitType: string
  catalogId: string
}

export interface RoundCatalog {
  unitType: string
  catalogId: string
  code: string
  title: string
  year: number
  status: string
}

export interface RoundParticipant {
  unitId: string
  code: string
  name: string
  unitType: string
  active: boolean
  extensionUntil: string | null
  extensionReason: string | null
}

export interface Round {
  id: string
  code: string
  title: string
  year: number
  status: RoundStatus
  timeZone: typeof ROUND_TIME_ZONE
  selfAssessmentClosesAt: string | null
  appraisalClosesAt: string | null
  supplementClosesAt: string | null
  catalogs: RoundCatalog[]
  participants: RoundParticipant[]
  moves: RoundMove[]
  version: number
  createdAt: string
  updatedAt: string
}

const DEADLINE_NAMES = ['selfAssessmentClosesAt', 'appraisalClosesAt', 'supplementClosesAt'] as const

/** A deadline as the API shows it: ISO 8601 in Vietnam's time. */
export function showInstant (instant: Date | null): string | null {
  return instant === null ? null : formatVietnamTime(instant)
}

export function deadlinesOf (row: Pick<RoundRow, typeof DEADLINE_NAMES[number]>): RoundDeadlines {
  return {
    selfAssessmentClosesAt: row.selfAssessmentClosesAt,
    appraisalClosesAt: row.appraisalClosesAt,
    supplementClosesAt: row.supplementClosesAt
  }
}

function parseDeadlines (input: DeadlinesInput): Partial<RoundDeadlines> {
  const out: Partial<RoundDeadlines> = {}
  for (const name of DEADLINE_NAMES) {
    const value = input[name]
    if (value !== undefined) out[name] = value === null ? null : new Date(value)
  }
  return out
}

function problemsAsFieldErrors (problems: RoundProblem[]) {
  return problems.map((problem) => ({ in: 'body', pointer: problem.deadline ? `/${problem.deadline}` : '/', message: problem.message, code: problem.code }))
}

/** The problems' own messages, one after another. */
export function problemsText (problems: { message: Text }[]): Text {
  return joinTexts(problems.map((problem) => problem.message))
}

export async function lockRound (tx: Executor, id: string): Promise<RoundRow> {
  const [row] = await tx.select().from(roundsTable).where(eq(roundsTable.id, id)).for('update')
  if (!row) throw Errors.notFound(noSuch.round)
  return row
}

async function assertCodeFree (tx: Executor, code: string, exceptId?: string): Promise<void> {
  const [existing] = await tx.select({ id: roundsTable.id }).from(roundsTable).where(eq(sql`lower(${roundsTable.code})`, code.toLowerCase()))
  if (existing && existing.id !== exceptId) throw Errors.conflict(t(`A round with the code ${code} exists already.`, `Đã có kỳ đánh giá mã ${code}.`))
}

export async function createRound (db: Db, actor: Actor, input: NewRound): Promise<Round> {
  const deadlines = { selfAssessmentClosesAt: null, appraisalClosesAt: null, supplementClosesAt: null, ...parseDeadlines(input) }
  const problems = deadlineProblems(deadlines, false)
  if (problems.length > 0) throw Errors.validation(problemsText(problems), { errors: problemsAsFieldErrors(problems) })
  return db.transaction(async (tx) => {
    await assertCodeFree(tx, input.code)
    const [row] = await tx.insert(roundsTable).values({ code: input.code, title: input.title, year: input.year, ...deadlines }).returning()
    const created = await getRound(tx, (row as RoundRow).id)
    await audit(tx, actor, { action: 'round.create', entityType: 'round', entityId: created.id, after: withoutLists(created) })
    return created
  })
}

/** A round with its catalogs and participants (`onlyUnit`: that unit's line alone, filtered by the database). */
export async function getRound (db: Executor, id: string, onlyUnit: string | null = null): Promise<Round> {
  const [row] = await db.select().from(roundsTable).where(eq(roundsTable.id, id))
  if (!row) throw Errors.notFound(noSuch.round)
  const [catalogs, participants] = await concurrently(db, [
    () => db.select({ unitType: roundCatalogsTable.unitTypeCode, catalogId: catalogsTable.id, ...columnsOf(catalogsTable, 'code', 'title', 'year', 'status') })
      .from(roundCatalogsTable)
      .innerJoin(catalogsTable, eq(catalogsTable.id, roundCatalogsTable.catalogId))
      .where(eq(roundCatalogsTable.roundId, id))
      .orderBy(asc(roundCatalogsTable.unitTypeCode)),
    () => db.select({
      unitId: unitsTable.id,
      unitType: unitsTable.unitTypeCode,
      ...columnsOf(unitsTable, 'code', 'name', 'active'),
      ...columnsOf(roundUnitsTable, 'extensionUntil', 'extensionReason')
    }).from(roundUnitsTable)
      .innerJoin(unitsTable, eq(unitsTable.id, roundUnitsTable.unitId))
      .where(onlyUnit === null ? eq(roundUnitsTable.roundId, id) : and(eq(roundUnitsTable.roundId, id), eq(roundUnitsTable.unitId, onlyUnit)))
      .orderBy(asc(unitsTable.unitTypeCode), asc(unitsTable.sortKey), asc(unitsTable.code))
  ])
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    year: row.year,
    status: row.status,
    timeZone: ROUND_TIME_ZONE,
    selfAssessmentClosesAt: showInstant(row.selfAssessmentClosesAt),
    appraisalClosesAt: showInstant(row.appraisalClosesAt),
    supplementClosesAt: showInstant(row.supplementClosesAt),
    catalogs,
    participants: participants.map((p) => ({ ...p, extensionUntil: showInstant(p.extensionUntil) })),
    moves: allowedMoves(row.status),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString()
  }
}

/** A unit officer's unit, whose rounds are the only ones they see; null for every other caller. */
export function officerUnitOf (actor: Actor): string | null {
  const principal = actor.principal
  return principal?.kind === 'user' && principal.role === 'unit_officer' ? principal.unitId : null
}

/**
 * A round as the caller may see it: a unit officer sees only rounds past draft that their unit takes part in
 * (any other answers 404), with their own unit as the only participant; everyone else sees the whole round.
 */
export async function viewRound (db: Executor, actor: Actor, id: string): Promise<Round> {
  const unitId = officerUnitOf(actor)
  // An officer's read fetches their own unit's line only (a national round has 10,000 participants).
  const round = await getRound(db, id, unitId)
  if (actor.principal?.kind === 'api_key') {
    // A key sees a draft only when it holds a year's results from its report (a round from before the service).
    if (round.status === 'draft' && !await holdsHistoricalResults(db, id)) throw Errors.notFound(noSuch.round)
    // An integrator's key reads the round, not why a unit was given more time (the admin's note about the unit).
    return { ...round, participants: round.participants.map((unit) => ({ ...unit, extensionReason: null })) }
  }
  assertRoundShown(actor, round.status)
  if (unitId !== null && round.participants.length === 0) throw Errors.notFound(noSuch.round)
  return round
}

/**
 * A round in draft does not exist for a unit officer or an API key (404), whichever of its routes they ask: its
 * catalogs, participants and deadlines may still change, and the unit is told when it opens.
 */
export function assertRoundShown (actor: Actor, status: RoundStatus): void {
  if (status === 'draft' && !seesDrafts(actor)) throw Errors.notFound(noSuch.round)
}

/** Draft rounds are the admins' work in progress: unit officers and API keys see a round once it opens. */
function seesDrafts (actor: Actor): boolean {
  return officerUnitOf(actor) === null && actor.principal?.kind !== 'api_key'
}

async function holdsHistoricalResults (db: Executor, roundId: string): Promise<boolean> {
  const [row] = await queryRows<{ held: boolean }>(db, sql`select exists (select 1 from historical_results where round_id = ${roundId}) as held`)
  return row?.held === true
}

/** The status of a round the caller may see (assertRoundShown); 404 when there is no such round. */
export async function shownRoundStatus (db: Executor, actor: Actor, roundId: string): Promise<RoundStatus> {
  const [round] = await queryRows<{ status: RoundStatus }>(db, sql`select status from rounds where id = ${roundId}`)
  if (!round) throw Errors.notFound(noSuch.round)
  assertRoundShown(actor, round.status)
  return round.status
}

export async function listRounds (db: Db, actor: Actor, query: { year?: number | undefined, status?: RoundStatus | undefined, limit: number, offset: number }) {
  const conditions: SQL[] = []
  if (query.year !== undefined) conditions.push(eq(roundsTable.year, query.year))
  if (query.status !== undefined) conditions.push(eq(roundsTable.status, query.status))
  const officerUnit = officerUnitOf(actor)
  if (actor.principal?.kind === 'api_key') {
    // A key lists the rounds past draft, and the drafts that hold a year's results from its report.
    conditions.push(sql`(${roundsTable.status} <> 'draft' or exists (select 1 from historical_results h where h.round_id = ${roundsTable.id}))`)
  } else if (!seesDrafts(actor)) {
    conditions.push(ne(roundsTable.status, 'draft'))
  }
  if (officerUnit !== null) {
    conditions.push(sql`exists (select 1 from round_units ru where ru.round_id = ${roundsTable.id} and ru.unit_id = ${officerUnit})`)
  }
  const where = conditions.length > 0 ? and(...conditions) : undefined
  const participantCount = db.$with('participant_count').as(
    db.select({ roundId: roundUnitsTable.roundId, value: count().as('value') }).from(roundUnitsTable).groupBy(roundUnitsTable.roundId)
  )
  const [rows, [total]] = await Promise.all([
    db.with(participantCount).select({ round: roundsTable, participants: participantCount.value }).from(roundsTable)
      .leftJoin(participantCount, eq(participantCount.roundId, roundsTable.id))
      .where(where).orderBy(desc(roundsTable.year), asc(roundsTable.code)).limit(query.limit).offset(query.offset),
    db.select({ value: count() }).from(roundsTable).where(where)
  ])
  return {
    items: rows.map(({ round, participants }) => ({
      id: round.id,
      code: round.code,
      title: round.title,
      year: round.year,
      status: round.status,
      selfAssessmentClosesAt: showInstant(round.selfAssessmentClosesAt),
      appraisalClosesAt: showInstant(round.appraisalClosesAt),
      supplementClosesAt: showInstant(round.supplementClosesAt),
      participantCount: Number(participants ?? 0),
      createdAt: round.createdAt.toISOString(),
      updatedAt: round.updatedAt.toISOString()
    })),
    total: Number(total?.value ?? 0),
    limit: query.limit,
    offset: query.offset
  }
}

/**
 * In draft anything may change. Once open, only the title and the deadlines (which may not be removed), so
 * an admin can move a deadline; after finalization the deadlines no longer matter and stay as they were.
 */
async function hasPublishedResults (tx: Executor, roundId: string): Promise<boolean> {
  const [row] = await queryRows<{ published: boolean }>(tx, sql`select exists (select 1 from result_versions where round_id = ${roundId}) as published`)
  return row?.published === true
}

export async function updateRound (db: Db, actor: Actor, id: string, changes: RoundChanges, options: { ifMatch?: IfMatch | undefined } = {}): Promise<Round> {
  return db.transaction(async (tx) => {
    const row = await lockRound(tx, id)
    const before = await getRound(tx, id)
    if (options.ifMatch !== undefined && !namesVersion(options.ifMatch, row.version)) {
      throw Errors.preconditionFailed(t(`The round is at version ${row.version}, not the version you sent in If-Match: someone changed it since you read it. Read it again and make your change on what it is now.`,
        `Kỳ đánh giá đã được người khác thay đổi kể từ khi bạn mở (nay ở phiên bản ${row.version}); hãy tải lại và sửa trên nội dung mới.`), { extra: { currentVersion: row.version, current: before } })
    }
    const deadlineChanges = parseDeadlines(changes)
    const changesDeadlines = Object.keys(deadlineChanges).length > 0
    // The public pages and the public list name the round by its live title, not the published version's: renamed
    // now, the published results would change their heading without a new version. That holds from the first
    // publication on, also while the round is moved back to correct it (the public pages keep showing it).
    if (changes.title !== undefined && changes.title !== row.title && row.status !== 'draft' && await hasPublishedResults(tx, id)) {
      throw Errors.roundNotEditable(t('The round\'s results are published and the public pages show its title; the title can no longer change.',
        'Kỳ đánh giá đã công bố kết quả và trang công khai đang hiển thị tên kỳ này, nên không thể đổi tên kỳ nữa.'))
    }
    if (row.status !== 'draft') {
      const locked = [
        changes.code !== undefined && changes.code !== row.code ? 'code' : null,
        changes.year !== undefined && changes.year !== row.year ? 'year' : null,
        changesDeadlines && (row.status === 'finalized' || row.status === 'published') ? 'deadlines' : null
      ].filter((name) => name !== null)
      const lockedVi: Record<string, string> = { code: 'mã', year: 'năm', deadlines: 'các hạn' }
      if (locked.length > 0) {
        throw Errors.roundNotEditable(t(`The round is in status ${row.status}; its ${locked.join(' and ')} can no longer change.`,
          `Kỳ đánh giá đang ở trạng thái “${statusName(row.status)}”; không thể thay đổi ${locked.map((name) => lockedVi[name]).join(' và ')} nữa.`))
      }
    }
    const deadlines = { ...deadlinesOf(row), ...deadlineChanges }
    const problems = deadlineProblems(deadlines, row.status !== 'draft')
    if (problems.length > 0) throw Errors.validation(problemsText(problems), { errors: problemsAsFieldErrors(problems) })
    if (changes.code !== undefined && changes.code !== row.code) await assertCodeFree(tx, changes.code, id)
    await tx.update(roundsTable).set({
      ...(changes.code !== undefined ? { code: changes.code } : {}),
      ...(changes.title !== undefined ? { title: changes.title } : {}),
      ...(changes.year !== undefined ? { year: changes.year } : {}),
      ...deadlineChanges,
      updatedAt: sql`now()`
    }).where(eq(roundsTable.id, id))
    // Open supplement requests cannot outlast the round's supplement deadline: one moved earlier brings their due dates with it.
    const shortened = deadlineChanges.supplementClosesAt instanceof Date
      ? await queryRows<{ id: string }>(tx, sql`
          update supplement_requests set due_at = ${deadlineChanges.supplementClosesAt.toISOString()}::timestamptz
          where round_id = ${id} and status = 'open' and due_at > ${deadlineChanges.supplementClosesAt.toISOString()}::timestamptz
          returning id`)
      : []
    await tellDeadlineChanges(tx, row, deadlineChanges)
    const after = await getRound(tx, id)
    await audit(tx, actor, {
      action: 'round.update',
      entityType: 'round',
      entityId: id,
      before: withoutLists(before),
      after: { ...withoutLists(after), ...(shortened.length > 0 ? { supplementRequestsDueAtDeadline: shortened.map((row) => row.id) } : {}) }
    })
    return after
  })
}

/**
 * Whoever works to a deadline hears that it moved, in the change's transaction (a change refused tells no one): the
 * units at their self-assessment, the units with a supplement request open during appraisal, and the appraisers
 * assigned. A draft's deadlines are told once, when the round opens; after finalization they no longer change.
 */
async function tellDeadlineChanges (tx: Executor, row: RoundRow, changes: Partial<RoundDeadlines>): Promise<void> {
  const moved = (name: typeof DEADLINE_NAMES[number]) => {
    const next = changes[name]
    return next !== undefined && next?.getTime() !== row[name]?.getTime()
  }
  if (row.status === 'self_assessment' && moved('selfAssessmentClosesAt')) await selfAssessmentDeadlineChanged(tx, row.id, row.selfAssessmentClosesAt)
  if (row.status === 'appraisal' && moved('supplementClosesAt')) await supplementDeadlineChanged(tx, row.id, row.supplementClosesAt)
  if ((row.status === 'self_assessment' || row.status === 'appraisal') && moved('appraisalClosesAt')) {
    await appraisalDeadlineChanged(tx, row.id, changes.appraisalClosesAt ?? null, row.appraisalClosesAt)
  }
}

// Catalog and participant lists have their own audit entries; the round's own entries stay short.
function withoutLists (round: Round) {
  // The version moves with every change, so it says nothing in an entry that already shows the change.
  const { catalogs: _catalogs, participants: _participants, version: _version, ...rest } = round
  return rest
}

/** Sets the complete list of catalogs, one per unit type, while the round is a draft; each must be published and of that unit type. */
export async function setRoundCatalogs (db: Db, actor: Actor, id: string, choices: RoundCatalogChoice[]): Promise<Round> {
  return db.transaction(async (tx) => {
    const row = await lockRound(tx, id)
    if (row.status !== 'draft') throw Errors.roundNotEditable(t(`The catalogs of a round are fixed once it opens; this round is in status ${row.status}.`, `Bộ tiêu chí của kỳ được cố định khi kỳ mở; kỳ này đang ở trạng thái “${statusName(row.status)}”.`))
    const before = await getRound(tx, id)
    const catalogIds = [...new Set(choices.map((choice) => choice.catalogId))]
    const unitTypes = [...new Set(choices.map((choice) => choice.unitType))]
    const [catalogs, types] = await concurrently(tx, [
      () => catalogIds.length > 0 ? tx.select().from(catalogsTable).where(inArray(catalogsTable.id, catalogIds)) : [],
      () => unitTypes.length > 0 ? tx.select({ code: unitTypesTable.code }).from(unitTypesTable).where(inArray(unitTypesTable.code, unitTypes)) : []
    ])
    const catalogById = new Map(catalogs.map((catalog) => [catalog.id, catalog]))
    const knownTypes = new Set(types.map((type) => type.code))
    const errors: ReturnType<typeof fieldProblem>[] = []
    const seenTypes = new Set<string>()
    choices.forEach((choice, i) => {
      const at = `/catalogs/${i}`
      if (seenTypes.has(choice.unitType)) errors.push(fieldProblem('body', `${at}/unitType`, 'duplicate', { value: choice.unitType }, t(`unit type ${choice.unitType} is listed more than once; a round uses one catalog per unit type`, `loại đơn vị ${choice.unitType} bị nêu nhiều lần; mỗi loại đơn vị dùng một bộ tiêu chí`)))
      seenTypes.add(choice.unitType)
      if (!knownTypes.has(choice.unitType)) errors.push(fieldProblem('body', `${at}/unitType`, 'unknown', { what: 'unit type', value: choice.unitType }, t(`no unit type ${choice.unitType}`, `không có loại đơn vị ${choice.unitType}`)))
      const catalog = catalogById.get(choice.catalogId)
      if (!catalog) {
        errors.push(fieldProblem('body', `${at}/catalogId`, 'unknown', { what: 'catalog' }, t('no such catalog', 'không có bộ tiêu chí này')))
        return
      }
      if (catalog.unitTypeCode !== choice.unitType) {
        errors.push(fieldProblem('body', `${at}/catalogId`, 'wrongUnitType', { value: catalog.code },
          t(`catalog ${catalog.code} is for unit type ${catalog.unitTypeCode}, not ${choice.unitType}`, `bộ tiêu chí ${catalog.code} dành cho loại đơn vị ${catalog.unitTypeCode}, không phải ${choice.unitType}`)))
      }
      if (catalog.status !== 'published') {
        errors.push(fieldProblem('body', `${at}/catalogId`, 'notPublished', { value: catalog.code },
          t(`catalog ${catalog.code} is a draft; only a published catalog can be used in a round`, `bộ tiêu chí ${catalog.code} còn là bản nháp; kỳ đánh giá chỉ dùng bộ tiêu chí đã công bố`)))
      }
    })
    if (errors.length > 0) throw Errors.validation(fieldProblemsText(errors), { errors })
    await tx.delete(roundCatalogsTable).where(eq(roundCatalogsTable.roundId, id))
    if (choices.length > 0) {
      await tx.insert(roundCatalogsTable).values(choices.map((choice) => ({ roundId: id, unitTypeCode: choice.unitType, catalogId: choice.catalogId })))
    }
    await tx.update(roundsTable).set({ updatedAt: sql`now()` }).where(eq(roundsTable.id, id))
    const after = await getRound(tx, id)
    await audit(tx, actor, { action: 'round.set_catalogs', entityType: 'round', entityId: id, before: before.catalogs, after: after.catalogs })
    return after
  })
}

/**
 * Gives one unit more time for its self-assessment (null takes the extension back). The unit's deadline is
 * the later of the round's and its extension, checked by the database clock at each write.
 */
export async function grantExtension (db: Db, actor: Actor, roundId: string, unitId: string, input: { until: string | null, reason: string }): Promise<Round> {
  if (input.reason.trim() === '') throw Errors.validation(t('An extension needs a reason.', 'Gia hạn cần có lý do.'), { errors: [fieldProblem('body', '/reason', 'blank')] })
  return db.transaction(async (tx) => {
    const row = await lockRound(tx, roundId)
    if (row.status !== 'draft' && row.status !== 'self_assessment') {
      throw Errors.roundNotEditable(t(`Self-assessment extensions can only be given before appraisal starts; this round is in status ${row.status}.`, `Chỉ gia hạn tự đánh giá được trước khi bắt đầu thẩm định; kỳ này đang ở trạng thái “${statusName(row.status)}”.`))
    }
    const [participant] = await tx.select().from(roundUnitsTable).where(and(eq(roundUnitsTable.roundId, roundId), eq(roundUnitsTable.unitId, unitId))).for('update')
    if (!participant) throw Errors.notFound(noSuch.roundUnit)
    const until = input.until === null ? null : new Date(input.until)
    if (until !== null && row.selfAssessmentClosesAt !== null && until.getTime() <= row.selfAssessmentClosesAt.getTime()) {
      const closes = formatVietnamTime(row.selfAssessmentClosesAt)
      const closesVi = formatVietnamDateTime(row.selfAssessmentClosesAt)
      throw Errors.validation(t(`The extension must end after the round's self-assessment deadline (${closes}).`, `Gia hạn phải kết thúc sau hạn tự đánh giá của kỳ (${closesVi}).`), {
        errors: [fieldProblem('body', '/until', 'after', { limit: closes }, t(`must be after ${closes}`, `phải sau ${closesVi}`))]
      })
    }
    if (until !== null) {
      // An extension that has already ended would give nothing: the database clock decides, as at every write.
      const [clock] = await queryRows<{ future: boolean }>(tx, sql`select ${until.toISOString()}::timestamptz > now() as future`)
      if (clock?.future !== true) {
        throw Errors.validation(t('The extension must end in the future.', 'Gia hạn phải kết thúc ở thời điểm trong tương lai.'), { errors: [fieldProblem('body', '/until', 'future')] })
      }
    }
    await tx.update(roundUnitsTable).set({ extensionUntil: until, extensionReason: until === null ? null : input.reason })
      .where(and(eq(roundUnitsTable.roundId, roundId), eq(roundUnitsTable.unitId, unitId)))
    await audit(tx, actor, {
      action: until === null ? 'round.extension_revoke' : 'round.extension',
      entityType: 'round',
      entityId: roundId,
      before: { unitId, extensionUntil: showInstant(participant.extensionUntil) },
      after: { unitId, extensionUntil: showInstant(until) },
      reason: input.reason
    })
    // The unit's officers hear of their own deadline when it moves; in a draft, the round's opening tells them of it.
    const previous = effectiveDeadline(row.selfAssessmentClosesAt, participant.extensionUntil)
    const deadline = effectiveDeadline(row.selfAssessmentClosesAt, until)
    if (row.status === 'self_assessment' && previous?.getTime() !== deadline?.getTime()) {
      await selfAssessmentExtension(tx, roundId, unitId, { deadline, previous, reason: input.reason, revoked: until === null })
    }
    return getRound(tx, roundId)
  })
}
