// Vite config of the web app: the admin app (index.html, served at /admin/) and the public results page
// (ket-qua/index.html, served at /ket-qua/), built together into admin/dist; they share chunks under /admin/assets/.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { bundleReport } from './vite-bundle-report'

const root = fileURLToPath(new URL('.', import.meta.url))
const apiTarget = process.env.API_URL ?? 'http://127.0.0.1:3000'
const apiPrefixes = ['/auth', '/users', '/api-keys', '/audit', '/units', '/unit-types', '/catalogs', '/rounds', '/results', '/supplement-requests', '/public', '/openapi.json']

export default defineConfig({
  root,
  base: '/admin/',
  plugins: [
    vue(),
    // The officer often works from a phone: printed on every build, so a heavier screen shows at once.
    bundleReport([
      { role: 'The unit officer', entry: 'index.html', screens: ['src/views/LoginView.vue', 'src/views/unit/MyUnitView.vue', 'src/views/unit/SelfAssessmentView.vue'], limitKb: 250 },
      // A citizen opening a link to the results: the whole public page loads with its entry.
      { role: 'The public results page', entry: 'ket-qua/index.html', screens: [], limitKb: 80 }
    ])
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) }
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        admin: fileURLToPath(new URL('./index.html', import.meta.url)),
        public: fileURLToPath(new URL('./ket-qua/index.html', import.meta.url))
      }
    }
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: Object.fromEntries(apiPrefixes.map((prefix) => [prefix, { target: apiTarget, changeOrigin: false }]))
  }
})
