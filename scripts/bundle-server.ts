// The server part of `npm run build` (after tsc has checked the types): the service bundled by esbuild from
// server/server.ts into dist/server/server.js, which `npm start`, the Dockerfile and the start-up benchmark run.
// Node loaded about 1,500 module files at every start, 680 of them TypeBox's alone (its import took 245 ms); the
// bundle holds the service's own modules, TypeBox and drizzle-orm (plain ES modules with nothing beside their files),
// and starts in about 30 % less time with 10 % less resident memory (measured on PostgreSQL: 1.23-1.37 s against
// 1.81-1.97 s, 121-126 against 134-143 MiB; see README, Benchmarks). Every other package stays an import of
// node_modules as it was: some read files beside their own (PGlite's WebAssembly, swagger-ui's and @fastify/static's
// assets), some are native (argon2, the chart canvas), some are CommonJS that compiles code at run time (ajv,
// fast-json-stringify). The modules loaded on first use (the S3 store, the report, the charts) stay so: code
// splitting puts each in a chunk of its own under dist/server/chunks, imported when first needed.
// Tests and `npm run dev` run the sources through tsx and never see the bundle; the browser tests run it.
import { rmSync } from 'node:fs'
import { build } from 'esbuild'

/** Packages bundled into the entry; everything else named by a bare specifier stays external. */
const BUNDLED = new Set(['typebox', 'drizzle-orm'])

const packageOf = (specifier: string) => specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0] as string

// Chunk names carry a hash of their content: an earlier build's chunks would stay beside the new ones.
rmSync('dist/server', { recursive: true, force: true })
await build({
  entryPoints: { server: 'server/server.ts' },
  outdir: 'dist/server',
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
