// How the service is bundled (esbuild), shared by `npm run build` (bundle-server.ts) and the benchmarks that run the
// service as it is deployed (bench-upload.ts): the service's own modules, TypeBox and drizzle-orm in the bundle,
// every other package an import of node_modules (see bundle-server.ts for why), modules loaded on first use in chunks
// of their own.
import { rmSync } from 'node:fs'
import { build } from 'esbuild'

/** Packages bundled into the entry; everything else named by a bare specifier stays external. */
const BUNDLED = new Set(['typebox', 'drizzle-orm'])

const packageOf = (specifier: string) => specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0] as string

/**
 * Bundles each entry (output name → source) into `outdir`, which is emptied first (chunk names carry a hash of their
 * content: an earlier build's chunks would stay beside the new ones). `outdir` must lie inside the project, whose
 * root the service finds by walking up from its own file (server/paths.ts).
 */
export async function bundleService (entryPoints: Record<string, string>, outdir: string): Promise<void> {
  rmSync(outdir, { recursive: true, force: true })
  await build({
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [{
      name: 'node-modules-external',
      setup (builder) {
        builder.onResolve({ filter: /^[^./]/ }, (args) => BUNDLED.has(packageOf(args.path)) ? undefined : { path: args.path, external: true })
      }
    }]
  })
}
