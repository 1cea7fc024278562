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
import { bundleService } from './bundle.js'

await bundleService({ server: 'server/server.ts' }, 'dist/server')
