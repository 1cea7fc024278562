// par-catalog/1 import: the document's shape checked, then the domain rules, then a draft created or replaced.
import { eq } from 'drizzle-orm'
import type { Db, Executor } from '../../db/client.js'
import { catalogNodesTable, catalogsTable } from '../../db/schema/index.js'
import { type CatalogDocument, type NodeKind, validateCatalog } from '../../domain/catalog.js'
import { Errors } from '../../errors.js'
import { audit } from '../audit.js'
import type { Actor } from '../context.js'
import { Text, text as t } from '../../messages/text.js'
import { CODE_PATTERN, type CatalogDetail, EVIDENCE_RULES, FORMAT, type ImportProblem, NODE_KINDS, RANKINGS, getCatalog, kindAtDepth, loadCatalog } from './store.js'
import { catalogMeta, codeTaken, insertRows, mapConstraintErrors, publishedError, treeRows, unitTypeExists } from './guards.js'

type Json = Record<string, unknown>

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The fixed phrases of the shape check in Vietnamese. */
const shapePhrasesVi: Record<string, string> = {
  'is not a property of the format': 'không phải thuộc tính của định dạng',
  'is required': 'bắt buộc có',
  'must be a string': 'phải là chuỗi ký tự',
  'must not be empty': 'không được để trống',
  'may only contain letters, digits, ".", "_" and "-", starting with a letter or digit': 'chỉ gồm chữ, số, ".", "_" và "-", bắt đầu bằng chữ hoặc số',
  'must be a number': 'phải là số',
  'must be an array': 'phải là danh sách',
  'must be an object with a method': 'phải là đối tượng có cách chấm điểm (method)',
  'must be an object': 'phải là đối tượng',
  'must be true or false': 'phải là true hoặc false',
  'must be one of range, options, bands': 'phải là range, options hoặc bands',
  'must be a node object': 'phải là một nút',
  'must be a JSON object in the par-catalog/1 format': 'phải là đối tượng JSON theo định dạng par-catalog/1',
  'must be a year between 2000 and 2100': 'phải là năm từ 2000 đến 2100'
}

/**
 * Shape of a par-catalog/1 document: every property present, of the right type, and no unknown ones (a misspelt
 * `evidense` must not silently become the default). Reports every problem; the domain rules run only on a sound shape.
 * Also checks that each node's kind matches its depth (field, criterion, subcriterion).
 */
export function documentShapeProblems (input: unknown): ImportProblem[] {
  const problems: ImportProblem[] = []
  const report = (nodeCode: string | null, pointer: string, message: string | Text, rule: ImportProblem['rule'] = 'invalid_shape'): void => {
    const said = typeof message === 'string' ? new Text(message, shapePhrasesVi[message] ?? message) : message
    const where = nodeCode !== null ? `Node ${nodeCode}: ` : ''
    const whereVi = nodeCode !== null ? `Nút ${nodeCode}: ` : ''
    problems.push({ nodeCode, rule, message: new Text(`${where}${pointer || '/'} ${said.en}.`, `${whereVi}${pointer || '/'} ${said.vi}.`), pointer })
  }
  const keys = (value: Json, allowed: readonly string[], required: readonly string[], nodeCode: string | null, pointer: string): void => {
    for (const key of Object.keys(value)) if (!allowed.includes(key)) report(nodeCode, `${pointer}/${key}`, 'is not a property of the format')
    for (const key of required) if (value[key] === undefined) report(nodeCode, `${pointer}/${key}`, 'is required')
  }
  const text = (value: unknown, nodeCode: string | null, pointer: string, options: { empty?: boolean, pattern?: RegExp, max?: number } = {}): void => {
    if (value === undefined) return
    if (typeof value !== 'string') return report(nodeCode, pointer, 'must be a string')
    if (!options.empty && value.trim() === '') return report(nodeCode, pointer, 'must not be empty')
    if (options.max !== undefined && value.length > options.max) return report(nodeCode, pointer, t(`must be at most ${options.max} characters`, `không được dài quá ${options.max} ký tự`))
    if (options.pattern && !options.pattern.test(value)) report(nodeCode, pointer, 'may only contain letters, digits, ".", "_" and "-", starting with a letter or digit')
  }
  const number = (value: unknown, nodeCode: string | null, pointer: string): void => {
    if (value === undefined) return
    if (typeof value !== 'number' || !Number.isFinite(value)) report(nodeCode, pointer, 'must be a number')
  }
  const oneOf = (value: unknown, allowed: readonly string[], nodeCode: string | null, pointer: string): void => {
    if (value === undefined) return
    if (typeof value !== 'string' || !allowed.includes(value)) report(nodeCode, pointer, t(`must be one of ${allowed.join(', ')}`, `phải là một trong ${allowed.join(', ')}`))
  }
  const array = (value: unknown, nodeCode: string | null, pointer: string): unknown[] => {
    if (value === undefined) return []
    if (!Array.isArray(value)) {
      report(nodeCode, pointer, 'must be an array')
      return []
    }
    return value
  }

  const scoring = (value: unknown, code: string | null, pointer: string): void => {
    if (!isObject(value)) return report(code, pointer, 'must be an object with a method')
    switch (value.method) {
      case 'range':
        keys(value, ['method', 'step'], ['step'], code, pointer)
        number(value.step, code, `${pointer}/step`)
        return
      case 'options':
        keys(value, ['method', 'options'], ['options'], code, pointer)
        array(value.options, code, `${pointer}/options`).forEach((option, i) => {
          const at = `${pointer}/options/${i}`
          if (!isObject(option)) return report(code, at, 'must be an object')
          keys(option, ['code', 'label', 'points', 'notApplicable'], ['code', 'label'], code, at)
          text(option.code, code, `${at}/code`)
          text(option.label, code, `${at}/label`)
          number(option.points, code, `${at}/points`)
          if (option.notApplicable !== undefined && typeof option.notApplicable !== 'boolean') report(code, `${at}/notApplicable`, 'must be true or false')
        })
        return
      case 'bands': {
        keys(value, ['method', 'input', 'bands'], ['input', 'bands'], code, pointer)
        if (value.input !== undefined) {
          if (!isObject(value.input)) {
            report(code, `${pointer}/input`, 'must be an object')
          } else {
            keys(value.input, ['label', 'unit', 'min', 'max'], ['label', 'min', 'max'], code, `${pointer}/input`)
            text(value.input.label, code, `${pointer}/input/label`)
            text(value.input.unit, code, `${pointer}/input/unit`, { empty: true })
            number(value.input.min, code, `${pointer}/input/min`)
            number(value.input.max, code, `${pointer}/input/max`)
          }
        }
        array(value.bands, code, `${pointer}/bands`).forEach((band, i) => {
          const at = `${pointer}/bands/${i}`
          if (!isObject(band)) return report(code, at, 'must be an object')
          keys(band, ['min', 'points'], ['min', 'points'], code, at)
          number(band.min, code, `${at}/min`)
          number(band.points, code, `${at}/points`)
        })
        return
      }
      default:
        report(code, `${pointer}/method`, 'must be one of range, options, bands')
    }
  }

  const node = (value: unknown, pointer: string, depth: number): void => {
    if (!isObject(value)) return report(null, pointer, 'must be a node object')
    const code = typeof value.code === 'string' ? value.code : null
    keys(value, ['code', 'kind', 'title', 'maxPoints', 'children', 'scoring', 'evidence', 'guidance'], ['code', 'kind', 'title', 'maxPoints'], code, pointer)
    text(value.code, code, `${pointer}/code`, { pattern: CODE_PATTERN, max: 40 })
    oneOf(value.kind, NODE_KINDS, code, `${pointer}/kind`)
    const expected = kindAtDepth(depth)
    if (typeof value.kind === 'string' && NODE_KINDS.includes(value.kind as NodeKind) && value.kind !== expected) {
      report(code, `${pointer}/kind`, t(`is ${value.kind} but a node at this level must be a ${expected}`, `là ${value.kind} nhưng nút ở cấp này phải là ${expected}`), 'invalid_kind')
    }
    text(value.title, code, `${pointer}/title`)
    number(value.maxPoints, code, `${pointer}/maxPoints`)
    if (value.scoring !== undefined) scoring(value.scoring, code, `${pointer}/scoring`)
    oneOf(value.evidence, EVIDENCE_RULES, code, `${pointer}/evidence`)
    text(value.guidance, code, `${pointer}/guidance`, { empty: true })
    array(value.children, code, `${pointer}/children`).forEach((child, i) => node(child, `${pointer}/children/${i}`, depth + 1))
  }

  if (!isObject(input)) {
    report(null, '', 'must be a JSON object in the par-catalog/1 format')
    return problems
  }
  keys(input, ['format', 'code', 'title', 'year', 'unitType', 'legalBasis', 'provenance', 'classification', 'ranking', 'nodes'],
    ['format', 'code', 'title', 'year', 'unitType', 'legalBasis', 'classification', 'ranking', 'nodes'], null, '')
  if (input.format !== undefined && input.format !== FORMAT) report(null, '/format', t(`must be "${FORMAT}"`, `phải là "${FORMAT}"`))
  text(input.code, null, '/code', { pattern: CODE_PATTERN, max: 64 })
  text(input.title, null, '/title')
  if (input.year !== undefined && (typeof input.year !== 'number' || !Number.isInteger(input.year) || input.year < 2000 || input.year > 2100)) {
    report(null, '/year', 'must be a year between 2000 and 2100')
  }
  text(input.unitType, null, '/unitType')
  text(input.legalBasis, null, '/legalBasis', { empty: true })
  text(input.provenance, null, '/provenance', { empty: true })
  oneOf(input.ranking, RANKINGS, null, '/ranking')
  array(input.classification, null, '/classification').forEach((band, i) => {
    const at = `/classification/${i}`
    if (!isObject(band)) return report(null, at, 'must be an object')
    keys(band, ['code', 'label', 'min'], ['code', 'label', 'min'], null, at)
    text(band.code, null, `${at}/code`)
    text(band.label, null, `${at}/label`)
    number(band.min, null, `${at}/min`)
  })
  array(input.nodes, null, '/nodes').forEach((field, i) => node(field, `/nodes/${i}`, 0))
  return problems
}

/** Every problem of a document to import: shape first, then (on a sound shape) the domain rules and the unit type. */
export async function importProblems (db: Executor, input: unknown): Promise<ImportProblem[]> {
  const shape = documentShapeProblems(input)
  // The domain validator trusts the shape; a kind at the wrong level does not break it, anything else might.
  if (shape.some((problem) => problem.rule === 'invalid_shape')) return shape
  const document = input as CatalogDocument
  const problems: ImportProblem[] = [...shape, ...validateCatalog(document)]
  if (!await unitTypeExists(db, document.unitType)) {
    problems.push({
      nodeCode: null,
      rule: 'unknown_unit_type',
      message: t(`The unit type ${document.unitType} does not exist; create it first or use one of the known unit types.`, `Loại đơn vị ${document.unitType} không tồn tại; hãy tạo trước hoặc dùng một loại đơn vị đã có.`)
    })
  }
  return problems
}

export interface ImportOptions {
  /** Publish at once (the document is valid, or nothing is imported). */
  publish?: boolean | undefined
  /** Replace the content of the existing draft with the same code instead of refusing. */
  replace?: boolean | undefined
}

/**
 * Imports a par-catalog/1 document as a draft (or published at once). Refuses an invalid document with every
 * problem (422, nothing stored). A code already in use is refused with 409, unless the catalog is a draft and
 * `replace` is set; a published catalog is never replaced.
 */
export async function importCatalog (db: Db, actor: Actor, document: unknown, options: ImportOptions = {}): Promise<CatalogDetail & { replaced: boolean }> {
  const problems = await importProblems(db, document)
  if (problems.length > 0) {
    throw Errors.importInvalid(t(`The catalog document has ${problems.length} problem${problems.length === 1 ? '' : 's'}, listed in errors; nothing was imported.`,
      `Tệp bộ tiêu chí có ${problems.length} vấn đề; chưa nhập gì.`), { errors: problems })
  }
  const doc = document as CatalogDocument
  return mapConstraintErrors(() => db.transaction(async (tx) => {
    const [existing] = await tx.select().from(catalogsTable).where(eq(catalogsTable.code, doc.code)).for('update')
    const now = new Date()
    const meta = {
      code: doc.code,
      year: doc.year,
      unitTypeCode: doc.unitType,
      title: doc.title,
      legalBasis: doc.legalBasis,
      provenance: doc.provenance ?? null,
      classification: doc.classification,
      ranking: doc.ranking,
      status: options.publish ? 'published' as const : 'draft' as const,
      publishedAt: options.publish ? now : null,
      updatedAt: now
    }
    let catalogId: string
    let before: unknown = null
    let sourceByCode: Map<string, string | null> | undefined
    if (existing) {
      if (existing.status === 'published') throw publishedError(existing, 'replaced')
      if (!options.replace) {
        throw Errors.conflict(t(`A draft catalog with the code ${doc.code} exists. Import with replace=true to replace its content, or give the document another code.`,
          `Đã có bộ tiêu chí nháp mã ${doc.code}. Hãy chọn thay thế nội dung bản nháp đó, hoặc đặt mã khác cho tệp.`))
      }
      const previous = await loadCatalog(tx, existing.id)
      before = { ...catalogMeta(existing), document: previous.document }
      // A cloned draft keeps its lineage for the nodes whose code survives the re-import.
      sourceByCode = new Map(previous.nodes.map((node) => [node.code, node.source?.id ?? null]))
      await tx.delete(catalogNodesTable).where(eq(catalogNodesTable.catalogId, existing.id))
      await tx.update(catalogsTable).set(meta).where(eq(catalogsTable.id, existing.id))
      catalogId = existing.id
    } else {
      const [row] = await tx.insert(catalogsTable).values(meta).returning({ id: catalogsTable.id })
      catalogId = (row as { id: string }).id
    }
    await insertRows(tx, treeRows(catalogId, doc.nodes, sourceByCode))
    await audit(tx, actor, {
      action: 'catalog.import',
      entityType: 'catalog',
      entityId: catalogId,
      before,
      after: { status: meta.status, document: doc }
    })
    return { ...await getCatalog(tx, catalogId), replaced: existing !== undefined }
  }), { unique: codeTaken(doc.code) })
}
