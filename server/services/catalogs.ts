// Criteria catalogs: drafts edited node by node, domain validation, publication (freeze), clone with lineage, par-catalog/1 import and export.
// The parts live in services/catalogs/.
export { type ImportProblem, type LoadedNode, type LoadedCatalog, type CatalogSummary, type ApiCatalogNode, type CatalogDetail, kindAtDepth, loadCatalog, loadCatalogDocument, getCatalog, readCatalog, type CatalogQuery, listCatalogs, exportCatalog, validateStoredCatalog } from './catalogs/store.js'
export { type NewCatalog, createCatalog, type CatalogChanges, updateCatalog, deleteCatalog, publishCatalog, cloneCatalog } from './catalogs/lifecycle.js'
export { documentShapeProblems } from './catalogs/document-shape.js'
export { importProblems, type ImportOptions, importCatalog } from './catalogs/import.js'
export { type NewNodeInput, addNode, type NodeChanges, updateNode, moveNode, deleteNode } from './catalogs/nodes.js'
