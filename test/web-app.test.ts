// The built web app as the service serves it: the admin app under /admin/ and the public results page under /ket-qua/,
// each view's address answered with its own page (history mode), with no login. A stand-in build keeps the test
// independent of `npm run build`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildTestApp } from './helpers/app.js'

function standInBuild (withPublicPage: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'par-web-'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>admin app</title>')
  mkdirSync(join(root, 'assets'))
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log("app")')
  if (withPublicPage) {
    mkdirSync(join(root, 'ket-qua'))
    writeFileSync(join(root, 'ket-qua', 'index.html'), '<!doctype html><title>public results page</title>')
  }
  return root
}

t.test('the public results page answers every view\'s address without a login; the admin app keeps its own', async (t) => {
  const webRoot = standInBuild(true)
  t.teardown(() => rmSync(webRoot, { recursive: true, force: true }))
  const app = await buildTestApp(t, { webRoot })

  const bare = await app.inject({ method: 'GET', url: '/ket-qua' })
  t.equal(bare.statusCode, 302)
  t.equal(bare.headers.location, '/ket-qua/')

  for (const url of ['/ket-qua/', '/ket-qua/2020/department', '/ket-qua/2020/department/S-NOI-VU?version=1']) {
    const page = await app.inject({ method: 'GET', url })
    t.equal(page.statusCode, 200, url)
    t.match(page.headers['content-type'], /^text\/html/, url)
    t.match(page.body, 'public results page', url)
    // A new build's page must be seen at once, so its hashed assets are found.
    t.equal(page.headers['cache-control'], 'no-cache', url)
  }

  // Someone typing the site's address lands on the app's login, not on a JSON 404.
  const root = await app.inject({ method: 'GET', url: '/' })
  t.equal(root.statusCode, 302)
  t.equal(root.headers.location, '/admin/')

  const admin = await app.inject({ method: 'GET', url: '/admin/rounds' })
  t.equal(admin.statusCode, 200)
  t.match(admin.body, 'admin app')
  const asset = await app.inject({ method: 'GET', url: '/admin/assets/app.js' })
  t.equal(asset.statusCode, 200)
})

t.test('without a built public page, /ket-qua/ is a problem+json 404, not the admin app', async (t) => {
  const webRoot = standInBuild(false)
  t.teardown(() => rmSync(webRoot, { recursive: true, force: true }))
  const app = await buildTestApp(t, { webRoot })
  const page = await app.inject({ method: 'GET', url: '/ket-qua/2020/department' })
  t.equal(page.statusCode, 404)
  t.match(page.headers['content-type'], /application\/problem\+json/)
  t.equal((await app.inject({ method: 'GET', url: '/admin/' })).statusCode, 200)
})
