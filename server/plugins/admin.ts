// Serves the built admin app (admin/dist) at /admin, with history-mode fallback to its index.html.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { adminDistDir } from '../paths.js'

async function adminPlugin (app: FastifyInstance, options: { root?: string }): Promise<void> {
  const root = options.root ?? adminDistDir
  if (!existsSync(join(root, 'index.html'))) {
    app.log.info('admin app not built (run `npm run build`); /admin is not served')
    return
  }
  await app.register(fastifyStatic, { root, prefix: '/admin/', decorateReply: true, wildcard: false, schemaHide: true })
  const index = { config: { access: { public: true as const } }, schema: { hide: true } }
  app.get('/admin', index, async (_request, reply) => reply.redirect('/admin/'))
  app.get('/admin/*', index, async (_request, reply) => reply.sendFile('index.html', root))
}

export default fp(adminPlugin, { name: 'admin', dependencies: ['access'] })
