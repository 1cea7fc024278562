// Unit types and units: create, edit, (de)activate, list with Vietnamese search and order, and import of par-units/1 files. Every change is audited.
import { Ajv, type ErrorObject } from 'ajv'
import { and, asc, count, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { Db, Executor } from '../db/client.js'
import { queryRows } from '../db/rows.js'
import { unitsTable, unitTypesTable } from '../db/schema/index.js'
import { searchNormalize, vietnameseSortKey } from '../domain/text.js'
import { Errors } from '../errors.js'
import { UnitsDocumentSchema } from '../schemas/units.js'
import { audit } from './audit.js'
import { postgresCode } from './catalogs/guards.js'
import { otherFormat } from './import-format.js'
import type { Actor, Principal } from './context.js'
import { noSuch, statusName } from '../messages/problems.js'
import type { RoundStatus } from '../domain/lifecycle.js'
import { Text, text as t } from '../messages/text.js'
import { fieldProblem, keywordMessage, errorPointer } from '../messages/validation.js'

type UnitRow = typeof unitsTable.$inferSelect

export interface Unit {
  id: string
  code: string
  name: string
  shortName: string | null
  unitType: string
  aliases: string[]
  active: boolean
  createdAt: string
  updatedAt: string
}

export interface UnitFields {
  code: string
  name: string
  shortName?: string | null | undefined
  unitType: string
  aliases?: string[] | undefined
}

export interface UnitChanges {
  code?: string | undefined
  name?: string | undefined
  shortName?: string | null | undefined
  unitType?: string | undefined
  aliases?: string[] | undefined
}

export interface UnitListQuery {
  unitType?: string | undefined
  active?: boolean | undefined
  q?: string | undefined
  limit: number
  offset: number
}

export interface ImportProblem {
  in: 'body'
  pointer: string
  keyword?: string
  params?: Record<string, unknown>
  message: Text
}

export interface ImportResult {
  created: number
  updated: number
  unchanged: number
}

function publicUnit (row: UnitRow): Unit {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    shortName: row.shortName,
    unitType: row.unitTypeCode,
    aliases: row.aliases,
    active: row.active,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString()
  }
}

interface CleanUnit {
  code: string
  name: string
  shortName: string | null
  unitType: string
  aliases: string[]
}

// Surrounding spaces are never meant; repeated aliases add nothing.
function clean (fields: UnitFields): CleanUnit {
  const shortName = fields.shortName?.trim()
  const aliases: string[] = []
  for (const alias of fields.aliases ?? []) {
    const trimmed = alias.trim()
    if (trimmed && !aliases.includes(trimmed)) aliases.push(trimmed)
  }
  return { code: fields.code, name: fields.name.trim(), shortName: shortName || null, unitType: fields.unitType, aliases }
}

/** The stored columns of a unit, with its search text and Vietnamese sort key. */
function columns (unit: CleanUnit) {
  // One field per line: the normalized query never contains a line break, so a match never spans two fields.
  const searchText = [unit.name, unit.shortName, ...unit.aliases, unit.code]
    .filter((part): part is string => Boolean(part))
    .map(searchNormalize)
    .join('\n')
  return {
    code: unit.code,
    name: unit.name,
    shortName: unit.shortName,
    unitTypeCode: unit.unitType,
    aliases: unit.aliases,
    searchText,
    sortKey: vietnameseSortKey(unit.name)
  }
}

function sameFields (row: UnitRow, unit: CleanUnit): boolean {
  return row.code === unit.code &&
    row.name === unit.name &&
    row.shortName === unit.shortName &&
    row.unitTypeCode === unit.unitType &&
    row.aliases.length === unit.aliases.length &&
    row.aliases.every((alias, i) => alias === unit.aliases[i])
}

function isUniqueViolation (error: unknown): boolean {
  return postgresCode(error) === '23505'
}

async function unitTypeCodes (db: Executor): Promise<Set<string>> {
  const rows = await db.select({ code: unitTypesTable.code }).from(unitTypesTable)
  return new Set(rows.map((row) => row.code))
}

async function checkUnitType (db: Executor, unitType: string): Promise<void> {
  const [row] = await db.select({ code: unitTypesTable.code }).from(unitTypesTable).where(eq(unitTypesTable.code, unitType))
  if (!row) {
    throw Errors.validation(noSuch.unitType(unitType), { errors: [fieldProblem('body', '/unitType', 'unknown', { what: 'unit type', value: unitType })] })
  }
}

const codeTaken = (code: string) => Errors.conflict(t(`A unit with code ${code} already exists.`, `Đã có đơn vị mã ${code}.`))

// ---- unit types ----

/** In the order they were added (the built-in ones first), so a province's own types follow them. */
export async function listUnitTypes (db: Db) {
  return db.select({ code: unitTypesTable.code, name: unitTypesTable.name }).from(unitTypesTable).orderBy(asc(unitTypesTable.createdAt), asc(unitTypesTable.code))
}

/** Renames a unit type (its code, which units, catalogs and rounds refer to, stays). */
export async function renameUnitType (db: Db, actor: Actor, code: string, input: { name: string }) {
  const name = input.name.trim()
  return db.transaction(async (tx) => {
    const [existing] = await tx.select({ code: unitTypesTable.code, name: unitTypesTable.name }).from(unitTypesTable).where(eq(unitTypesTable.code, code)).for('update')
    if (!existing) throw Errors.notFound(noSuch.unitType(code))
    if (existing.name === name) return existing
    await tx.update(unitTypesTable).set({ name }).where(eq(unitTypesTable.code, code))
    await audit(tx, actor, { action: 'unit_type.update', entityType: 'unit_type', entityId: code, before: { name: existing.name }, after: { name } })
    return { code, name }
  })
}

const unitTypeInUse = (code: string) => Errors.conflict(t(
  `The unit type ${code} is used by units, catalogs or rounds; it cannot be deleted (it can be renamed).`,
  `Loại đơn vị ${code} đang được dùng (có đơn vị, bộ tiêu chí hoặc kỳ đánh giá thuộc loại này) nên không xóa được; có thể đổi tên.`))

/**
 * Deletes a unit type nothing uses (no unit, catalog, round or result of that type): a province without districts, say,
 * removes the built-in one, so it leaves every list and filter.
 */
export async function deleteUnitType (db: Db, actor: Actor, code: string): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      // The type's row locked first: a unit or catalog of this type added meanwhile waits for this transaction.
      const [existing] = await tx.select({ code: unitTypesTable.code, name: unitTypesTable.name }).from(unitTypesTable).where(eq(unitTypesTable.code, code)).for('update')
      if (!existing) throw Errors.notFound(noSuch.unitType(code))
      const [use] = await queryRows<{ used: boolean }>(tx, sql`select
        exists (select 1 from units where unit_type_code = ${code}) or exists (select 1 from catalogs where unit_type_code = ${code}) or
        exists (select 1 from round_catalogs where unit_type_code = ${code}) or exists (select 1 from appraisal_assignments where unit_type_code = ${code}) or
        exists (select 1 from result_versions where unit_type_code = ${code}) as used`)
      if (use?.used === true) throw unitTypeInUse(code)
      await tx.delete(unitTypesTable).where(eq(unitTypesTable.code, code))
      await audit(tx, actor, { action: 'unit_type.delete', entityType: 'unit_type', entityId: code, before: existing })
    })
  } catch (error) {
    if (postgresCode(error) === '23503') throw unitTypeInUse(code)
    throw error
  }
}

export async function createUnitType (db: Db, actor: Actor, input: { code: string, name: string }) {
  const unitType = { code: input.code, name: input.name.trim() }
  try {
    return await db.transaction(async (tx) => {
      const [existing] = await tx.select({ code: unitTypesTable.code }).from(unitTypesTable).where(eq(unitTypesTable.code, unitType.code))
      if (existing) throw Errors.conflict(t(`The unit type ${unitType.code} already exists.`, `Đã có loại đơn vị ${unitType.code}.`))
      await tx.insert(unitTypesTable).values(unitType)
      await audit(tx, actor, { action: 'unit_type.create', entityType: 'unit_type', entityId: unitType.code, after: unitType })
      return unitType
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw Errors.conflict(t(`The unit type ${unitType.code} already exists.`, `Đã có loại đơn vị ${unitType.code}.`))
    throw error
  }
}

// ---- units ----

// A unit officer sees only their own unit: other units are neither listed nor found.
function visibleTo (viewer: Principal | null): SQL | undefined {
  if (viewer?.kind !== 'user' || viewer.role !== 'unit_officer') return undefined
  return viewer.unitId ? eq(unitsTable.id, viewer.unitId) : sql`false`
}

/** Escapes LIKE wildcards so that `%` and `_` in a query match themselves. */
export function likeContains (text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`
}

export async function listUnits (db: Db, viewer: Principal | null, query: UnitListQuery) {
  const conditions: SQL[] = []
  const visible = visibleTo(viewer)
  if (visible) conditions.push(visible)
  if (query.unitType) conditions.push(eq(unitsTable.unitTypeCode, query.unitType))
  if (query.active !== undefined) conditions.push(eq(unitsTable.active, query.active))
  const q = searchNormalize(query.q ?? '')
  if (q) conditions.push(sql`${unitsTable.searchText} like ${likeContains(q)} escape '\\'`)
  const where = conditions.length > 0 ? and(...conditions) : undefined
  const [rows, [total]] = await Promise.all([
    // sort_key is stored with COLLATE "C", so byte order is Vietnamese order; the code breaks ties of equal names.
    db.select().from(unitsTable).where(where).orderBy(asc(unitsTable.sortKey), asc(unitsTable.code)).limit(query.limit).offset(query.offset),
    db.select({ value: count() }).from(unitsTable).where(where)
  ])
  return { items: rows.map(publicUnit), total: Number(total?.value ?? 0), limit: query.limit, offset: query.offset }
}

export async function getUnit (db: Db, viewer: Principal | null, id: string): Promise<Unit> {
  const visible = visibleTo(viewer)
  const [row] = await db.select().from(unitsTable).where(visible ? and(eq(unitsTable.id, id), visible) : eq(unitsTable.id, id))
  if (!row) throw Errors.notFound(noSuch.unit)
  return publicUnit(row)
}

async function lockUnit (tx: Executor, id: string): Promise<UnitRow> {
  const [row] = await tx.select().from(unitsTable).where(eq(unitsTable.id, id)).for('update')
  if (!row) throw Errors.notFound(noSuch.unit)
  return row
}

export async function createUnit (db: Db, actor: Actor, input: UnitFields): Promise<Unit> {
  const unit = clean(input)
  await checkUnitType(db, unit.unitType)
  try {
    return await db.transaction(async (tx) => {
      const [existing] = await tx.select({ id: unitsTable.id }).from(unitsTable).where(eq(unitsTable.code, unit.code))
      if (existing) throw codeTaken(unit.code)
      const [row] = await tx.insert(unitsTable).values(columns(unit)).returning()
      const created = publicUnit(row as UnitRow)
      await audit(tx, actor, { action: 'unit.create', entityType: 'unit', entityId: created.id, after: created })
      return created
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw codeTaken(unit.code)
    throw error
  }
}

export async function updateUnit (db: Db, actor: Actor, id: string, changes: UnitChanges): Promise<Unit> {
  if (changes.unitType !== undefined) await checkUnitType(db, changes.unitType)
  try {
    return await db.transaction(async (tx) => {
      const row = await lockUnit(tx, id)
      const unit = clean({
        code: changes.code ?? row.code,
        name: changes.name ?? row.name,
        shortName: changes.shortName !== undefined ? changes.shortName : row.shortName,
        unitType: changes.unitType ?? row.unitTypeCode,
        aliases: changes.aliases ?? row.aliases
      })
      const before = publicUnit(row)
      // Nothing to change is not a change: no write, no audit row.
      if (sameFields(row, unit)) return before
      if (unit.code !== row.code) {
        const [holder] = await tx.select({ id: unitsTable.id }).from(unitsTable).where(eq(unitsTable.code, unit.code))
        if (holder) throw codeTaken(unit.code)
      }
      const [updated] = await tx.update(unitsTable).set({ ...columns(unit), updatedAt: new Date() }).where(eq(unitsTable.id, id)).returning()
      const after = publicUnit(updated as UnitRow)
      await audit(tx, actor, { action: 'unit.update', entityType: 'unit', entityId: id, before, after })
      return after
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw codeTaken(changes.code ?? '')
    throw error
  }
}

async function setActive (db: Db, actor: Actor, id: string, active: boolean): Promise<Unit> {
  return db.transaction(async (tx) => {
    const row = await lockUnit(tx, id)
    if (row.active === active) throw Errors.conflict(t(`The unit ${row.code} is already ${active ? 'active' : 'inactive'}.`, `Đơn vị ${row.code} ${active ? 'đang hoạt động' : 'đã ngừng hoạt động'} rồi.`))
    if (!active) await assertInNoRoundUnderWay(tx, row)
    const [updated] = await tx.update(unitsTable).set({ active, updatedAt: new Date() }).where(eq(unitsTable.id, id)).returning()
    const after = publicUnit(updated as UnitRow)
    await audit(tx, actor, { action: active ? 'unit.activate' : 'unit.deactivate', entityType: 'unit', entityId: id, before: publicUnit(row), after })
    return after
  })
}

/**
 * A unit taking part in a round under way (self-assessment or appraisal) stays active until the round is over: its
 * officer is writing or answering supplement requests, its appraisal must be finalized, and its score ranked. In a
 * round that is still a draft it may be deactivated (the opening check then names it); from an open round it can be
 * removed while it has not started.
 */
async function assertInNoRoundUnderWay (tx: Executor, unit: UnitRow): Promise<void> {
  const rounds = await queryRows<{ code: string, title: string, status: RoundStatus }>(tx, sql`
    select r.code, r.title, r.status from round_units ru join rounds r on r.id = ru.round_id
    where ru.unit_id = ${unit.id} and r.status in ('self_assessment', 'appraisal')
    order by r.year desc, r.code`)
  if (rounds.length === 0) return
  const named = (status: (round: { status: RoundStatus }) => string) => rounds.map((round) => `${round.title} (${round.code}, ${status(round)})`).join(', ')
  throw Errors.unitInOpenRound(t(
    `${unit.name} (${unit.code}) takes part in a round under way: ${named((round) => round.status)}. It stays active until that round is finalized; while it has not started its self-assessment, remove it from the round first.`,
    `${unit.name} (${unit.code}) đang tham gia kỳ đánh giá chưa kết thúc: ${named((round) => statusName(round.status))}. Đơn vị phải còn hoạt động đến khi kỳ đó chốt kết quả; nếu đơn vị chưa bắt đầu tự đánh giá, hãy bỏ đơn vị khỏi kỳ trước.`),
  { extra: { rounds: rounds.map((round) => ({ code: round.code, status: round.status })) } })
}

/** Units are never deleted (scores and accounts refer to them); a unit that no longer takes part is deactivated. */
export async function deactivateUnit (db: Db, actor: Actor, id: string): Promise<Unit> {
  return setActive(db, actor, id, false)
}

export async function activateUnit (db: Db, actor: Actor, id: string): Promise<Unit> {
  return setActive(db, actor, id, true)
}

// ---- import ----

let documentValidator: ReturnType<Ajv['compile']> | undefined

function shapeProblems (document: unknown): ImportProblem[] {
  documentValidator ??= new Ajv({ allErrors: true, strict: false }).compile(UnitsDocumentSchema)
  if (documentValidator(document)) return []
  return (documentValidator.errors ?? [])
    // A failed union repeats its branches' errors; those already name the field.
    .filter((error) => error.keyword !== 'anyOf')
    .map((error: ErrorObject) => {
      const params = error.params as Record<string, unknown>
      const pointer = errorPointer(error)
      let message = keywordMessage(error.keyword, params, error.message)
      if (error.keyword === 'required') {
        message = keywordMessage('required')
      } else if (error.keyword === 'additionalProperties') {
        message = t('is not a member of a par-units/1 unit', 'không phải thuộc tính của một đơn vị par-units/1')
      } else if (error.keyword === 'const') {
        message = keywordMessage('const', params)
      }
      return { in: 'body' as const, pointer: pointer || '/', keyword: error.keyword, params, message }
    })
}

/** Every problem of a par-units/1 document: its shape, unknown unit types, codes repeated within the file. */
function documentProblems (document: unknown, knownTypes: Set<string>): ImportProblem[] {
  const wrong = otherFormat(document, 'par-units/1')
  if (wrong) return [fieldProblem('body', '/format', 'const', { allowedValue: 'par-units/1' }, wrong)]
  const problems = shapeProblems(document)
  const units = (document as { units?: unknown } | null)?.units
  if (!Array.isArray(units)) return problems
  const firstIndexOfCode = new Map<string, number>()
  units.forEach((item: unknown, index) => {
    if (typeof item !== 'object' || item === null) return
    const { code, unitType } = item as { code?: unknown, unitType?: unknown }
    if (typeof unitType === 'string' && !knownTypes.has(unitType) && !problems.some((p) => p.pointer === `/units/${index}/unitType`)) {
      const known = [...knownTypes].sort().join(', ')
      problems.push({
        ...fieldProblem('body', `/units/${index}/unitType`, 'unknown', { what: 'unit type', value: unitType }),
        message: t(`no such unit type: ${unitType} (known: ${known})`, `không có loại đơn vị ${unitType} (các loại hiện có: ${known})`)
      })
    }
    if (typeof code === 'string') {
      const first = firstIndexOfCode.get(code)
      if (first === undefined) firstIndexOfCode.set(code, index)
      else problems.push({ ...fieldProblem('body', `/units/${index}/code`, 'duplicate', { value: code }), message: t(`repeats the code ${code} of /units/${first}`, `trùng mã ${code} với /units/${first}`) })
    }
  })
  return problems
}

interface UnitsDocument {
  format: 'par-units/1'
  units: { code: string, name: string, unitType: string, shortName?: string, aliases?: string[] }[]
}

/**
 * Imports a par-units/1 document: every problem is listed and nothing is written when there is any;
 * otherwise units are matched by code in one transaction: new ones are created, changed ones updated,
 * identical ones left untouched. Units absent from the document are left as they are, and an import
 * never changes whether a unit is active.
 */
export async function importUnits (db: Db, actor: Actor, document: unknown): Promise<ImportResult> {
  const problems = documentProblems(document, await unitTypeCodes(db))
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).map((p) => `${p.pointer} ${p.message.en}`).join('; ')
    throw Errors.importInvalid(t(`The file has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was imported: ${shown}${problems.length > 5 ? '; …' : ''}`,
      `Tệp có ${problems.length} vấn đề, liệt kê trong errors; chưa nhập gì.`), { errors: problems })
  }
  const units = (document as UnitsDocument).units.map(clean)
  const reason = 'Nhập từ tệp danh sách đơn vị (par-units/1)'
  try {
    return await db.transaction(async (tx) => {
      const result: ImportResult = { created: 0, updated: 0, unchanged: 0 }
      if (units.length === 0) return result
      const existingRows = await tx.select().from(unitsTable).where(inArray(unitsTable.code, units.map((unit) => unit.code))).for('update')
      const existing = new Map(existingRows.map((row) => [row.code, row]))
      for (const unit of units) {
        const row = existing.get(unit.code)
        if (!row) {
          const [inserted] = await tx.insert(unitsTable).values(columns(unit)).returning()
          const created = publicUnit(inserted as UnitRow)
          await audit(tx, actor, { action: 'unit.create', entityType: 'unit', entityId: created.id, after: created, reason })
          result.created++
        } else if (sameFields(row, unit)) {
          result.unchanged++
        } else {
          const [updated] = await tx.update(unitsTable).set({ ...columns(unit), updatedAt: new Date() }).where(eq(unitsTable.id, row.id)).returning()
          const after = publicUnit(updated as UnitRow)
          await audit(tx, actor, { action: 'unit.update', entityType: 'unit', entityId: row.id, before: publicUnit(row), after, reason })
          result.updated++
        }
      }
      return result
    })
  } catch (error) {
    // Another request created one of the codes meanwhile; the whole import was rolled back.
    if (isUniqueViolation(error)) throw Errors.conflict(t('A unit of the file was created by someone else meanwhile; nothing was imported. Try again.', 'Trong lúc nhập, một đơn vị của tệp vừa được người khác tạo; chưa nhập gì. Vui lòng thử lại.'))
    throw error
  }
}
