// A build step that prints, after `vite build`, how much JavaScript (gzip) a role downloads for its main screens:
// the entry with everything it imports statically, plus each listed screen's chunk and its static imports.
import { gzipSync } from 'node:zlib'
import type { Plugin } from 'vite'

export interface RoleBudget {
  /** Who it is for, as printed ("the unit officer"). */
  role: string
  /** The page the role opens (an HTML input of the build, e.g. index.html); its entry chunk counts. */
  entry: string
  /** The screens the role opens first, by their source path under admin/ (e.g. src/views/unit/MyUnitView.vue). */
  screens: string[]
  /** The largest acceptable total, in kB gzip. */
  limitKb: number
}

interface ChunkLike { type: 'chunk', fileName: string, code: string, isEntry: boolean, imports: string[], facadeModuleId: string | null }

export function bundleReport (budgets: RoleBudget[]): Plugin {
  let root = ''
  return {
    name: 'par-bundle-report',
    apply: 'build',
    configResolved (config) {
      root = config.root.replace(/\\/g, '/')
    },
    generateBundle (_options, bundle) {
      const chunks = Object.values(bundle).filter((item): item is typeof item & ChunkLike => item.type === 'chunk') as unknown as ChunkLike[]
      const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]))
      const withImports = (start: ChunkLike, into: Set<string>) => {
        if (into.has(start.fileName)) return
        into.add(start.fileName)
        for (const file of start.imports) {
          const imported = byFile.get(file)
          if (imported) withImports(imported, into)
        }
      }
      for (const budget of budgets) {
        const files = new Set<string>()
        const entries = chunks.filter((chunk) => chunk.isEntry && chunk.facadeModuleId?.replace(/\\/g, '/') === `${root}/${budget.entry}`)
        const missing: string[] = []
        if (entries.length === 0) missing.push(budget.entry)
        for (const entry of entries) withImports(entry, files)
        for (const screen of budget.screens) {
          const chunk = chunks.find((item) => item.facadeModuleId?.replace(/\\/g, '/').endsWith(screen))
          if (chunk) withImports(chunk, files)
          else missing.push(screen)
        }
        const bytes = [...files].reduce((sum, file) => sum + gzipSync(byFile.get(file)?.code ?? '').length, 0)
        const kb = bytes / 1024
        const verdict = kb < budget.limitKb ? 'within' : 'OVER'
        console.log(`${budget.role}'s first-load JavaScript: ${kb.toFixed(1)} kB gzip in ${files.size} files ` +
          `(${budget.entry} + ${budget.screens.map((screen) => screen.split('/').pop()).join(', ')}), ${verdict} the ${budget.limitKb} kB budget` +
          (missing.length ? `; not found: ${missing.join(', ')}` : ''))
        if (kb >= budget.limitKb || missing.length) this.warn(`${budget.role}'s JavaScript budget is not met`)
      }
    }
  }
}
