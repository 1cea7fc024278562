// The service itself killed mid-upload (a crash, a restart by the orchestrator): the partial upload left behind is
// removed when the service starts again, and no record of it exists. A real process on the embedded database,
// started twice on the same data directory.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { projectRoot } from '../server/paths.js'
import { samples } from './storage/samples.js'
import { freePort } from './helpers/net.js'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const PASSWORD = 'Thu-nghiem-CCHC-2026'

async function start (dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'server', 'server.ts')], {
    cwd: projectRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_PASSWORD: PASSWORD, DEMO_DATA: 'true', DEMO_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' },
    stdio: 'ignore'
  })
  for (let waited = 0; waited < 180_000; waited += 250) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`)
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false)
    if (ready) return child
    await pause(250)
  }
  throw new Error('the service did not start')
}

t.test('a service killed while a file is arriving leaves nothing once it is back', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'par-restart-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  let child = await start(dataDir, port)
  t.teardown(() => { child.kill('SIGKILL') })

  const call = async <T>(path: string, token?: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
    return await response.json() as T
  }
  const { token, user } = await call<{ token: string, user: { unitId: string } }>('/auth/login', undefined, { username: 'h-dong-son', password: PASSWORD })
  const rounds = await call<Array<{ round: { id: string, status: string } }> | { items: Array<{ round: { id: string, status: string } }> }>(`/units/${user.unitId}/rounds`, token)
  const list = Array.isArray(rounds) ? rounds : rounds.items
  const roundId = list.find((item) => item.round.status === 'self_assessment')?.round.id
  t.ok(roundId, 'the demo round is open for self-assessment')
  const files = `/rounds/${roundId}/units/${user.unitId}/self-assessment/files`

  const boundary = 'par-restart-boundary'
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dang-tai.pdf"\r\nContent-Type: application/pdf\r\n\r\n`)
  const upload = request(`${base}${files}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + 4 * 1024 * 1024 }
  })
  upload.on('error', () => {}) // the service goes away on purpose
  upload.write(head)
  upload.write(Buffer.concat([samples.pdf(), Buffer.alloc(1024 * 1024, 1)]))
  const temporary = join(dataDir, 'evidence', 'tmp')
  const partial = () => existsSync(temporary) && readdirSync(temporary).some((name) => name.endsWith('.part'))
  for (let waited = 0; !partial() && waited < 20_000; waited += 50) await pause(50)
  t.ok(partial(), 'the file was arriving into a temporary file')
  child.kill('SIGKILL')
  await new Promise((resolve) => child.once('exit', resolve))
  upload.destroy()
  t.ok(partial(), 'the killed process could not clean up after itself')

  child = await start(dataDir, port)
  t.same(readdirSync(temporary).filter((name) => name.endsWith('.part')), [], 'the partial upload is gone once the service is back')
  const again = await call<{ token: string }>('/auth/login', undefined, { username: 'h-dong-son', password: PASSWORD })
  t.same(await call(files, again.token), [], 'and no record of it exists')
})
