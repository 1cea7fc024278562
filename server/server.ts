// Process entry: loadConfig() → buildApp() → listen(), with graceful shutdown on SIGTERM/SIGINT.
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { systemActor } from './services/context.js'
import { loadDemoData } from './services/demo.js'
import { passwordWeakness } from './services/password-policy.js'
import { ensureAdmin } from './services/users.js'

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
  const bootstrap = await ensureAdmin(app.db, systemActor, config.ADMIN_USERNAME, config.ADMIN_PASSWORD)
  if (bootstrap.generatedPassword) {
    // Printed once, on the first start only; the hash is all that is stored.
    app.log.warn(`Created the admin account "${config.ADMIN_USERNAME}" with the password: ${bootstrap.generatedPassword}  (temporary: the first login asks for a new one)`)
  } else if (bootstrap.created) {
    app.log.info(`Created the admin account "${config.ADMIN_USERNAME}" from ADMIN_PASSWORD`)
    const weakness = passwordWeakness(config.ADMIN_PASSWORD ?? '', { username: config.ADMIN_USERNAME })
    if (weakness) app.log.warn(`ADMIN_PASSWORD does not meet the password rule (${weakness}); change it after logging in`)
  }
  const demo = config.DEMO_DATA ? await loadDemoData(app.db, { accounts: { password: config.DEMO_PASSWORD ?? null } }) : null
  if (demo) {
    app.log.info('Loaded the Thanh Hóa 2020 demo data')
    const open = demo.openRound
    if (open?.generatedPassword) {
      // Printed once, on the first start only, like the admin's; DEMO_PASSWORD sets it instead.
      app.log.warn(`Created the demo round ${open.code} and its accounts (unit officers: the unit code in lower case, e.g. so-tttt; appraisers: thamdinh1 … thamdinh7) with the password: ${open.generatedPassword}`)
    } else if (open) {
      app.log.info(`Created the demo round ${open.code} and its accounts with DEMO_PASSWORD`)
    }
  }
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
