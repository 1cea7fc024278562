import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['node_modules/**', 'dist/**', 'data/**', 'admin/dist/**', 'admin/src/api/schema.d.ts', 'openapi/**', 'migrations/**', '.tap/**', 'test-output/**'] }),
  {
    // The rules of the index are pure: no database, HTTP, file system or services; the messages they say are data.
    files: ['server/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['../db/*', '../services/*', '../plugins/*', '../routes/*', '../storage/*', '../app.js', '../config.js'], message: 'server/domain is pure: pass data in instead.' },
          { group: ['node:*', 'fastify', 'fastify-*', '@fastify/*', 'drizzle-orm', 'drizzle-orm/*', 'pg', '@electric-sql/*', 'ioredis', '@aws-sdk/*'], message: 'server/domain does no I/O.' }
        ]
      }]
    }
  }
]
