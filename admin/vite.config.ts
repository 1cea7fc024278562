// Vite config of the admin app: built into admin/dist and served by the API at /admin/.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const root = fileURLToPath(new URL('.', import.meta.url))
const apiTarget = process.env.API_URL ?? 'http://127.0.0.1:3000'
const apiPrefixes = ['/auth', '/users', '/api-keys', '/audit', '/units', '/unit-types', '/catalogs', '/rounds', '/results', '/supplement-requests', '/public', '/openapi.json']

export default defineConfig({
  root,
  base: '/admin/',
  plugins: [vue()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) }
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022'
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: Object.fromEntries(apiPrefixes.map((prefix) => [prefix, { target: apiTarget, changeOrigin: false }]))
  }
})
