import neostandard from 'neostandard'
import pluginVue from 'eslint-plugin-vue'
import tseslint from 'typescript-eslint'

export default [
  ...neostandard({ ts: true, ignores: ['node_modules/**', 'dist/**', 'data/**', 'admin/dist/**', 'admin/src/api/schema.d.ts', 'openapi/**', 'migrations/**', '.tap/**', 'test-output/**'] }),
  // The web app's single-file components: Vue's recommended rules, TypeScript in <script setup>.
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['admin/**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
    rules: {
      // Layout of the templates is the project's own (compact lines); the rules that catch mistakes stay on.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      // TypeScript checks names (vue-tsc); the browser's globals are not declared to ESLint.
      'no-undef': 'off'
    }
  },
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
