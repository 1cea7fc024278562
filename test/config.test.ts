import t from 'tap'
import { ConfigError, loadConfig, corsOrigins } from '../server/config.js'

t.test('defaults apply when nothing is set', async (t) => {
  const config = loadConfig({})
  t.equal(config.PORT, 3000)
  t.equal(config.DATA_DIR, './data')
  t.equal(config.DATABASE_URL, undefined)
  t.equal(config.LOG_LEVEL, 'info')
})

t.test('strings from the environment are converted to the declared types', async (t) => {
  const config = loadConfig({ PORT: '8080', DEMO_DATA: 'false', DATABASE_POOL_SIZE: '3', CORS_ORIGINS: 'https://a.example, https://b.example' })
  t.equal(config.PORT, 8080)
  t.equal(config.DEMO_DATA, false)
  t.equal(config.DATABASE_POOL_SIZE, 3)
  t.same(corsOrigins(config), ['https://a.example', 'https://b.example'])
})

t.test('an invalid value names the variable and what is wrong', async (t) => {
  const error = t.throws(() => loadConfig({ PORT: 'abc' })) as ConfigError
  t.ok(error instanceof ConfigError)
  t.match(error.message, /PORT/)
  t.match(error.message, /integer/)
  t.match(error.message, /"abc"/)
})

t.test('every invalid variable is reported at once', async (t) => {
  const error = t.throws(() => loadConfig({ PORT: '70000', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x/y' })) as ConfigError
  t.equal(error.problems.length, 3)
  t.match(error.message, /PORT/)
  t.match(error.message, /LOG_LEVEL/)
  t.match(error.message, /DATABASE_URL/)
})
