import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['node_modules/**', 'dist/**', 'data/**', 'admin/dist/**', 'admin/src/api/schema.d.ts', 'openapi/**', 'migrations/**', '.tap/**', 'test-output/**'] })
]
