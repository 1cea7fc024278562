// Guards and helpers shared by the catalog changes: drafts only, unique codes, decimal checks, node rows and renumbering.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { catalogNodesTable, catalogsTable, unitTypesTable } from '../../db/schema/index.js'
import type { CatalogNode, ClassificationBand, EvidenceRule, NodeKind, ScoringMethod } from '../../domain/catalog.js'
import { type Milli, milliToString, parseDecimal, parseMilli } from '../../domain/decimal.js'
import { AppError, Errors, type FieldProblem } from '../../errors.js'
import { Text, text as t } from '../../messages/text.js'
import { fieldProblem, fieldProblemsText } from '../../messages/validation.js'
import { type CatalogRow, INSERT_CHUNK, type LoadedCatalog, type NodeInsert, loadCatalog, nodeFields } from './store.js'

/** What a change would do to a catalog, in each language. */
const actions = {
  edited: t('edited', 'chỉnh sửa'),
  deleted: t('deleted', 'xóa'),
  republished: t('published again', 'công bố lại'),
  replaced: t('replaced by an import', 'thay thế bằng tệp nhập')
}

export function publishedError (catalog: CatalogRow, action: keyof typeof actions) {
  const on = catalog.publishedAt ? catalog.publishedAt.toISOString().slice(0, 10) : null
  return Errors.catalogPublished(t(
    `Catalog ${catalog.code} was published${on ? ` on ${on}` : ''} and is frozen, so it cannot be ${actions[action].en}. ` +
    `A correction or next year's catalog is a new version: clone it (POST /catalogs/${catalog.id}/clone), edit the draft and publish that.`,
    `Bộ tiêu chí ${catalog.code} đã công bố${on ? ` ngày ${on.slice(8, 10)}/${on.slice(5, 7)}/${on.slice(0, 4)}` : ''} và được cố định, nên không thể ${actions[action].vi}. ` +
    'Muốn sửa hoặc làm bộ tiêu chí năm sau, hãy nhân bản để tạo bản nháp mới, chỉnh sửa rồi công bố bản đó.'),
  { extra: { catalogId: catalog.id, catalogCode: catalog.code } }
  )
}

/** Locks the catalog and loads it, refusing when it is published. */
export async function loadDraft (tx: Executor, id: string, action: keyof typeof actions): Promise<LoadedCatalog> {
  const loaded = await loadCatalog(tx, id, { lock: true })
  if (loaded.catalog.status === 'published') throw publishedError(loaded.catalog, action)
  return loaded
}

export function postgresCode (error: unknown): string | undefined {
  let current: unknown = error
  // Drizzle wraps driver errors; the SQLSTATE is on the cause.
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** Unique and foreign-key violations that slip past the checks (concurrent requests) become 409, not 500. */
export async function mapConstraintErrors<T> (work: () => Promise<T>, describe: { unique: Text, foreignKey?: Text }): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof AppError) throw error
    const code = postgresCode(error)
    if (code === '23505') throw Errors.conflict(describe.unique)
    if (code === '23503' && describe.foreignKey) throw Errors.conflict(describe.foreignKey)
    throw error
  }
}

export const codeTaken = (code: string) => t(`The catalog code ${code} is already used by another catalog.`, `Mã bộ tiêu chí ${code} đã được dùng cho bộ tiêu chí khác.`)
export const nodeCodeTaken = (code: string) => t(`The node code ${code} is already used in this catalog.`, `Mã nút ${code} đã có trong bộ tiêu chí này.`)

export async function assertCatalogCodeFree (tx: Executor, code: string, exceptId?: string): Promise<void> {
  const [existing] = await tx.select({ id: catalogsTable.id, status: catalogsTable.status }).from(catalogsTable).where(eq(catalogsTable.code, code))
  if (existing && existing.id !== exceptId) throw Errors.conflict(codeTaken(code))
}

export async function unitTypeExists (db: Executor, code: string): Promise<boolean> {
  const [row] = await db.select({ code: unitTypesTable.code }).from(unitTypesTable).where(eq(unitTypesTable.code, code))
  return row !== undefined
}

export function invalidField (pointer: string, keyword: string, message: Text) {
  const errors = [fieldProblem('body', pointer, keyword, {}, message)]
  return Errors.validation(fieldProblemsText(errors), { errors })
}

export function refuseFieldProblems (problems: FieldProblem[]): void {
  if (problems.length > 0) throw Errors.validation(fieldProblemsText(problems), { errors: problems })
}

export function decimalProblem (value: unknown, pointer: string, nonNegative = false): FieldProblem | null {
  const parsed = typeof value === 'number' ? parseDecimal(value) : { ok: false as const }
  if (!parsed.ok) {
    return fieldProblem('body', pointer, 'decimal', {}, nonNegative
      ? t('must be a non-negative decimal with at most 3 decimal places', 'phải là số thập phân không âm có tối đa 3 chữ số thập phân')
      : t('must be a decimal with at most 3 decimal places', 'phải là số thập phân có tối đa 3 chữ số thập phân'))
  }
  if (nonNegative && parsed.milli < 0) return fieldProblem('body', pointer, 'minimum', { limit: 0 }, t('must not be negative', 'không được âm'))
  return null
}

// Precision is a shape rule checked at once; whether the numbers fit together (sums, steps, bands) is validation, reported later.
export function scoringDecimalProblems (scoring: ScoringMethod | null | undefined, pointer: string): FieldProblem[] {
  const problems: (FieldProblem | null)[] = []
  if (!scoring) return []
  if (scoring.method === 'range') problems.push(decimalProblem(scoring.step, `${pointer}/step`))
  if (scoring.method === 'options') {
    scoring.options.forEach((option, i) => {
      if (option.points !== undefined) problems.push(decimalProblem(option.points, `${pointer}/options/${i}/points`))
    })
  }
  if (scoring.method === 'bands') {
    problems.push(decimalProblem(scoring.input.min, `${pointer}/input/min`), decimalProblem(scoring.input.max, `${pointer}/input/max`))
    scoring.bands.forEach((band, i) => {
      problems.push(decimalProblem(band.min, `${pointer}/bands/${i}/min`), decimalProblem(band.points, `${pointer}/bands/${i}/points`))
    })
  }
  return problems.filter((problem): problem is FieldProblem => problem !== null)
}

export function classificationProblems (bands: readonly ClassificationBand[] | undefined, pointer: string): FieldProblem[] {
  return (bands ?? []).map((band, i) => decimalProblem(band.min, `${pointer}/${i}/min`)).filter((problem): problem is FieldProblem => problem !== null)
}

function pointsText (value: number): string {
  const milli = parseMilli(value)
  if (milli === null || milli < 0) throw new Error(`points ${value} were not checked before storing`)
  return milliToString(milli)
}

export function catalogMeta (row: CatalogRow) {
  return {
    code: row.code,
    year: row.year,
    unitType: row.unitTypeCode,
    title: row.title,
    legalBasis: row.legalBasis,
    provenance: row.provenance,
    classification: row.classification,
    ranking: row.ranking,
    status: row.status
  }
}

export interface NodeState {
  code: string
  kind: NodeKind
  title: string
  maxPoints: Milli
  scoring: ScoringMethod | null
  evidence: EvidenceRule | null
  guidance: string | null
}

export function nodeSnapshot (node: NodeState, parentCode: string | null, position: number) {
  return { ...nodeFields(node), parentCode, position }
}

export async function touch (tx: Executor, id: string): Promise<void> {
  await tx.update(catalogsTable).set({ updatedAt: new Date() }).where(eq(catalogsTable.id, id))
}

/** Writes positions 0..n-1 for siblings in the given order, touching only rows whose position changed. */
export async function renumber (tx: Executor, siblings: readonly { id: string, position: number }[]): Promise<void> {
  for (const [index, sibling] of siblings.entries()) {
    if (sibling.position !== index) {
      await tx.update(catalogNodesTable).set({ position: index }).where(eq(catalogNodesTable.id, sibling.id))
    }
  }
}

/** Rows for a document tree, parents before children, with fresh ids; `sourceByCode` records clone lineage. */
export function treeRows (catalogId: string, nodes: readonly CatalogNode[], sourceByCode?: ReadonlyMap<string, string | null>): NodeInsert[] {
  const rows: NodeInsert[] = []
  const visit = (node: CatalogNode, parentId: string | null, position: number): void => {
    const id = randomUUID()
    rows.push({
      id,
      catalogId,
      parentId,
      code: node.code,
      kind: node.kind,
      title: node.title,
      maxPoints: pointsText(node.maxPoints),
      position,
      scoring: node.scoring ?? null,
      evidence: node.evidence ?? null,
      guidance: node.guidance ?? null,
      sourceNodeId: sourceByCode?.get(node.code) ?? null
    })
    node.children?.forEach((child, index) => visit(child, id, index))
  }
  nodes.forEach((node, index) => visit(node, null, index))
  return rows
}

export async function insertRows (tx: Executor, rows: NodeInsert[]): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    await tx.insert(catalogNodesTable).values(rows.slice(start, start + INSERT_CHUNK))
  }
}
