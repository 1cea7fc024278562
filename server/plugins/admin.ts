// Serves the built web app (admin/dist): the admin app at /admin/ and the public results page at /ket-qua/, each with
// history-mode fallback to its own index.html. Both share the hashed assets under /admin/assets/. The site's root leads
// to the admin app.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { adminDistDir } from '../paths.js'

/** Where the public results page lives: a path outside /admin/, linkable by citizens and the press. */
export const PUBLIC_PAGE_PATH = '/ket-qua'
const PUBLIC_INDEX = join('ket-qua', 'index.html')

async function adminPlugin (app: FastifyInstance, options: { root?: string }): Promise<void> {
  const root = options.root ?? adminDistDir
  if (!existsSync(join(root, 'index.html'))) {
    app.log.info('admin app not built (run `npm run build`); /admin and /ket-qua are not served')
    return
  }
  await app.register(fastifyStatic, { root, prefix: '/admin/', decorateReply: true, wildcard: false, schemaHide: true })
  const index = { config: { access: { public: true as const } }, schema: { hide: true } }
  app.get('/admin', index, async (_request, reply) => reply.redirect('/admin/'))
  // The site's own address (chamdiem.<province>.gov.vn/) is where officials start: the app's login, which links to the
  // public results for everyone else. Not an answer of the API, whose clients never ask for /.
  app.get('/', index, async (_request, reply) => reply.redirect('/admin/'))
  app.get('/admin/*', index, async (_request, reply) => reply.sendFile('index.html', root))

  if (!existsSync(join(root, PUBLIC_INDEX))) return
  // The page is the same for every view (its data comes from the public API); no-cache, so a new build's assets are found.
  const sendPage = async (_request: unknown, reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').sendFile(PUBLIC_INDEX, root, { cacheControl: false })
  app.get(PUBLIC_PAGE_PATH, index, async (_request, reply) => reply.redirect(`${PUBLIC_PAGE_PATH}/`))
  app.get(`${PUBLIC_PAGE_PATH}/`, index, sendPage)
  app.get(`${PUBLIC_PAGE_PATH}/*`, index, sendPage)
}

export default fp(adminPlugin, { name: 'admin', dependencies: ['access'] })
