// What the recursive catalog tree shares with every node row: expanded state, problems and the draft actions.
import type { InjectionKey, Ref } from 'vue'
import type { CatalogNode, CatalogProblem } from './api/types'

export interface TreeActions {
  addChild: (parent: CatalogNode) => void
  edit: (node: CatalogNode) => void
  move: (node: CatalogNode) => void
  shift: (node: CatalogNode, by: -1 | 1) => void
  remove: (node: CatalogNode) => void
}

export interface TreeContext {
  collapsed: Ref<Set<string>>
  toggle: (code: string) => void
  problemsOf: (code: string) => CatalogProblem[]
  /** Problems on the node's descendants, shown on a collapsed node. */
  problemsBelow: (node: CatalogNode) => number
  editable: Ref<boolean>
  busy: Ref<boolean>
  actions: TreeActions
}

export const treeContextKey: InjectionKey<TreeContext> = Symbol('catalog tree')

/** Walks a tree depth-first with each node's parent and depth. */
export function * walkNodes (nodes: CatalogNode[], parent: CatalogNode | null = null, depth = 0): Generator<{ node: CatalogNode, parent: CatalogNode | null, depth: number, index: number, siblings: CatalogNode[] }> {
  for (const [index, node] of nodes.entries()) {
    yield { node, parent, depth, index, siblings: nodes }
    yield * walkNodes(node.children, node, depth + 1)
  }
}
