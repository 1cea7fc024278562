// placeholder: being written
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

const catalogsRoutes: FastifyPluginAsyncTypebox = async () => {}

export default catalogsRoutes
