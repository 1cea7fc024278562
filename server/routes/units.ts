// placeholder: being written
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

const unitsRoutes: FastifyPluginAsyncTypebox = async () => {}

export default unitsRoutes
