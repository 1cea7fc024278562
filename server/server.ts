// Process entry: loadConfig() → buildApp() → listen(), with graceful shutdown on SIGTERM/SIGINT.
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'

async function main (): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message)
      process.exit(1)
    }
    throw error
  }
  const app = await buildApp(config)
  closeWithGrace({ delay: 10000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down: finishing in-flight requests')
    await app.close()
  })
  await app.listen({ port: config.PORT, host: config.HOST })
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
