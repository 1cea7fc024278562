// Node changes on a draft. Each may leave the draft temporarily invalid (sums mismatch while editing); only the
// shape is refused at once. Every change locks the catalog row, so publication never races an edit.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { catalogNodesTable } from '../../db/schema/index.js'
import type { EvidenceRule, NodeKind, ScoringMethod } from '../../domain/catalog.js'
import { type Milli, milliToString, parseMilli } from '../../domain/decimal.js'
import { Errors, type FieldProblem } from '../../errors.js'
import { audit } from '../audit.js'
import type { Actor } from '../context.js'
import { text as t } from '../../messages/text.js'
import { type CatalogDetail, type LoadedCatalog, type LoadedNode, getCatalog, kindAtDepth } from './store.js'
import { type NodeState, decimalProblem, invalidField, loadDraft, mapConstraintErrors, nodeCodeTaken, nodeSnapshot, refuseFieldProblems, renumber, scoringDecimalProblems, touch } from './guards.js'

export interface NewNodeInput {
  parentCode: string | null
  position?: number | undefined
  node: {
    code: string
    kind?: NodeKind | undefined
    title: string
    maxPoints: number
    scoring?: ScoringMethod | undefined
    evidence?: EvidenceRule | undefined
    guidance?: string | undefined
  }
}

function findNode (loaded: LoadedCatalog, code: string): LoadedNode {
  const node = loaded.byCode.get(code)
  if (!node) throw Errors.notFound(t(`Catalog ${loaded.catalog.code} has no node ${code}.`, `Bộ tiêu chí ${loaded.catalog.code} không có nút ${code}.`))
  return node
}

function findParent (loaded: LoadedCatalog, parentCode: string | null): LoadedNode | null {
  if (parentCode === null) return null
  const parent = loaded.byCode.get(parentCode)
  if (!parent) throw invalidField('/parentCode', 'unknown', t(`names no node of catalog ${loaded.catalog.code} (${parentCode})`, `không phải nút của bộ tiêu chí ${loaded.catalog.code} (${parentCode})`))
  return parent
}

function assertCodeFree (loaded: LoadedCatalog, code: string): void {
  if (loaded.byCode.has(code)) throw Errors.conflict(t(`Catalog ${loaded.catalog.code} already has a node ${code}; node codes are unique in a catalog.`, `Bộ tiêu chí ${loaded.catalog.code} đã có nút mã ${code}; mã nút không được trùng trong một bộ tiêu chí.`))
}

export async function addNode (db: Db, actor: Actor, id: string, input: NewNodeInput): Promise<CatalogDetail> {
  refuseFieldProblems([
    decimalProblem(input.node.maxPoints, '/node/maxPoints', true),
    ...scoringDecimalProblems(input.node.scoring, '/node/scoring')
  ].filter((problem): problem is FieldProblem => problem !== null))
  return mapConstraintErrors(() => db.transaction(async (tx) => {
    const loaded = await loadDraft(tx, id, 'edited')
    const parent = findParent(loaded, input.parentCode)
    assertCodeFree(loaded, input.node.code)
    const kind = kindAtDepth(parent ? parent.depth + 1 : 0)
    if (input.node.kind !== undefined && input.node.kind !== kind) throw invalidField('/node/kind', 'kind', t(`must be ${kind} at this level (or left out)`, `phải là ${kind} ở cấp này (hoặc để trống)`))
    const siblings: { id: string, position: number }[] = [...(parent ? parent.children : loaded.tree)]
    const position = Math.min(input.position ?? siblings.length, siblings.length)
    const state: NodeState = {
      code: input.node.code,
      kind,
      title: input.node.title,
      maxPoints: parseMilli(input.node.maxPoints) as Milli,
      scoring: input.node.scoring ?? null,
      evidence: input.node.evidence ?? null,
      guidance: input.node.guidance ?? null
    }
    const nodeId = randomUUID()
    // Make room first: the new row is inserted at its final position.
    siblings.splice(position, 0, { id: nodeId, position })
    await renumber(tx, siblings)
    await tx.insert(catalogNodesTable).values({
      id: nodeId,
      catalogId: id,
      parentId: parent?.id ?? null,
      code: state.code,
      kind: state.kind,
      title: state.title,
      maxPoints: milliToString(state.maxPoints),
      position,
      scoring: state.scoring,
      evidence: state.evidence,
      guidance: state.guidance
    })
    await touch(tx, id)
    await audit(tx, actor, { action: 'catalog.node.add', entityType: 'catalog', entityId: id, after: nodeSnapshot(state, parent?.code ?? null, position) })
    return getCatalog(tx, id)
  }), { unique: nodeCodeTaken(input.node.code) })
}

export interface NodeChanges {
  code?: string | undefined
  kind?: NodeKind | undefined
  title?: string | undefined
  maxPoints?: number | undefined
  scoring?: ScoringMethod | null | undefined
  evidence?: EvidenceRule | null | undefined
  guidance?: string | null | undefined
}

export async function updateNode (db: Db, actor: Actor, id: string, code: string, changes: NodeChanges): Promise<CatalogDetail> {
  refuseFieldProblems([
    changes.maxPoints !== undefined ? decimalProblem(changes.maxPoints, '/maxPoints', true) : null,
    ...scoringDecimalProblems(changes.scoring, '/scoring')
  ].filter((problem): problem is FieldProblem => problem !== null))
  return mapConstraintErrors(() => db.transaction(async (tx) => {
    const loaded = await loadDraft(tx, id, 'edited')
    const node = findNode(loaded, code)
    if (changes.code !== undefined && changes.code !== node.code) assertCodeFree(loaded, changes.code)
    if (changes.kind !== undefined && changes.kind !== node.kind) {
      throw invalidField('/kind', 'kind', t(`must stay ${node.kind}: the kind follows the level of the node (move it to change its level)`, `phải giữ là ${node.kind}: loại nút theo cấp của nút (hãy di chuyển nút để đổi cấp)`))
    }
    const after: NodeState = {
      code: changes.code ?? node.code,
      kind: node.kind,
      title: changes.title ?? node.title,
      maxPoints: changes.maxPoints !== undefined ? parseMilli(changes.maxPoints) as Milli : node.maxPoints,
      scoring: changes.scoring !== undefined ? changes.scoring : node.scoring,
      evidence: changes.evidence !== undefined ? changes.evidence : node.evidence,
      guidance: changes.guidance !== undefined ? changes.guidance : node.guidance
    }
    await tx.update(catalogNodesTable).set({
      code: after.code,
      title: after.title,
      maxPoints: milliToString(after.maxPoints),
      scoring: after.scoring,
      evidence: after.evidence,
      guidance: after.guidance
    }).where(eq(catalogNodesTable.id, node.id))
    await touch(tx, id)
    const parentCode = node.parent?.code ?? null
    await audit(tx, actor, { action: 'catalog.node.update', entityType: 'catalog', entityId: id, before: nodeSnapshot(node, parentCode, node.position), after: nodeSnapshot(after, parentCode, node.position) })
    return getCatalog(tx, id)
  }), { unique: nodeCodeTaken(changes.code ?? code) })
}

export async function moveNode (db: Db, actor: Actor, id: string, code: string, input: { parentCode: string | null, position: number }): Promise<CatalogDetail> {
  return db.transaction(async (tx) => {
    const loaded = await loadDraft(tx, id, 'edited')
    const node = findNode(loaded, code)
    const parent = findParent(loaded, input.parentCode)
    for (let ancestor = parent; ancestor !== null; ancestor = ancestor.parent) {
      if (ancestor === node) throw invalidField('/parentCode', 'cycle', t(`is ${node.code} itself or one of its descendants; a node cannot be moved under itself`, `là chính nút ${node.code} hoặc nút con của nó; không thể chuyển một nút vào dưới chính nó`))
    }
    const oldSiblings = (node.parent ? node.parent.children : loaded.tree).filter((sibling) => sibling !== node)
    const newSiblings: { id: string, position: number }[] = (parent ? parent.children : loaded.tree).filter((sibling) => sibling !== node)
    const position = Math.min(input.position, newSiblings.length)
    newSiblings.splice(position, 0, node)

    if (node.parentId !== (parent?.id ?? null)) {
      await tx.update(catalogNodesTable).set({ parentId: parent?.id ?? null }).where(eq(catalogNodesTable.id, node.id))
      await renumber(tx, oldSiblings)
    }
    await renumber(tx, newSiblings)
    // The kind follows the level: a criterion moved under another criterion becomes a sub-criterion, with its subtree.
    const depthChange = (parent ? parent.depth + 1 : 0) - node.depth
    if (depthChange !== 0) {
      const relabel = async (current: LoadedNode): Promise<void> => {
        const kind = kindAtDepth(current.depth + depthChange)
        if (kind !== current.kind) await tx.update(catalogNodesTable).set({ kind }).where(eq(catalogNodesTable.id, current.id))
        for (const child of current.children) await relabel(child)
      }
      await relabel(node)
    }
    await touch(tx, id)
    await audit(tx, actor, {
      action: 'catalog.node.move',
      entityType: 'catalog',
      entityId: id,
      before: { code: node.code, kind: node.kind, parentCode: node.parent?.code ?? null, position: node.position },
      after: { code: node.code, kind: kindAtDepth(node.depth + depthChange), parentCode: parent?.code ?? null, position }
    })
    return getCatalog(tx, id)
  })
}

export async function deleteNode (db: Db, actor: Actor, id: string, code: string): Promise<CatalogDetail> {
  return db.transaction(async (tx) => {
    const loaded = await loadDraft(tx, id, 'edited')
    const node = findNode(loaded, code)
    // The subtree goes with it (the parent reference cascades).
    await tx.delete(catalogNodesTable).where(eq(catalogNodesTable.id, node.id))
    await renumber(tx, (node.parent ? node.parent.children : loaded.tree).filter((sibling) => sibling !== node))
    await touch(tx, id)
    await audit(tx, actor, {
      action: 'catalog.node.delete',
      entityType: 'catalog',
      entityId: id,
      before: { parentCode: node.parent?.code ?? null, position: node.position, node: node.node }
    })
    return getCatalog(tx, id)
  })
}
