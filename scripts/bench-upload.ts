// Benchmark (not a test): uploads generated 1, 100 and 500 MiB files to the service's own evidence endpoint
// (POST /rounds/{id}/units/{unitId}/self-assessment/files, as a unit officer, in a separate server process: see
// bench-upload-server.ts) and reports throughput and the server's RSS growth, next to the floor measured in the same
// run on the same file: Node's own read → SHA-256 → write with fsync of it, in this process. Targets: throughput at
// least 0.6× the floor, RSS growth under 64 MiB. `--s3`: into an S3 bucket (s3rver, run by this process so its memory
// is not the server's) instead of the local disk; the floor stays a local write. `--sizes=1,10`: other sizes in MiB.
// BENCH_SERVER_FLAGS="--cpu-prof --cpu-prof-dir=…": Node flags for the server process (to profile it). The upload is
// sent by curl when it is installed (native code, as a browser's upload is; it times itself to the answer's last
// byte), otherwise by node:http in this process, whose streaming took a good part of the two cores (100 MiB in
// 0.71–0.97 s against 0.57–0.64 s by curl to the same server, back to back).
import { execFile, fork, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import { mkdir, open, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import type { ClientMessage, ServerMessage } from './bench-upload-server.js'
import { bundleService } from './bundle.js'

const MiB = 1024 * 1024
// `--sizes=1,10` for other sizes (CI runs small ones).
const SIZES_MIB = (process.argv.find((arg) => arg.startsWith('--sizes='))?.split('=')[1] ?? '1,100,500').split(',').map(Number)
const TARGET_GROWTH_MIB = 64
const TARGET_RATIO = 0.6
const CHUNK = 256 * 1024

interface Reply { status: number, body: string }
type Memory = Extract<ServerMessage, { memory: unknown }>['memory']

/** Forks the server and waits for its address, upload path and token; `memory` asks it for its resident memory. */
async function startServer (dataDir: string, s3: string[]): Promise<{ child: ChildProcess, address: string, path: string, token: string, memory: (message: ClientMessage) => Promise<Memory> }> {
  // The server runs bundled as `npm run build` bundles the service (scripts/bundle.ts), by Node itself (not an npx or
  // tsx wrapper), so its time and the RSS it reports are those of the service as deployed. Under tsx its heap held a
  // third more (49 against 36 MiB after start), and each of the four or so full collections that the upload's buffers
  // set off per 100 MiB marks all of it (100 MiB on one morning: 0.50–0.59 s under tsx, 0.43–0.66 s bundled).
  const root = join(dirname(fileURLToPath(import.meta.url)), '..')
  await bundleService({ 'bench-upload-server': join(root, 'scripts', 'bench-upload-server.ts') }, join(root, 'dist', 'bench-upload'))
  const child = fork(join(root, 'dist', 'bench-upload', 'bench-upload-server.js'), [dataDir, ...s3], { execArgv: ['--expose-gc', ...(process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const ready = await new Promise<Extract<ServerMessage, { ready: unknown }>['ready']>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the benchmark server exited with code ${code}`)))
    child.once('message', (message: ServerMessage) => { if ('ready' in message) resolve(message.ready) })
  })
  const memory = async (message: ClientMessage) => await new Promise<Memory>((resolve) => {
    child.once('message', (answer: ServerMessage) => { if ('memory' in answer) resolve(answer.memory) })
    child.send(message)
  })
  return { child, ...ready, memory }
}

function send (address: string, method: string, path: string, headers: Record<string, string | number> = {}, body?: Readable): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = request(new URL(path, address), { method, headers }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
      response.on('error', reject)
    })
    outgoing.on('error', reject)
    if (body) pipeline(body, outgoing).catch(reject)
    else outgoing.end()
  })
}

/**
 * The file: a PDF header, then slices of a 4 MiB random pool at pseudo-random offsets. The pool is never
 * written again, so slices can go to the socket without copies and the client's memory stays flat.
 */
function * fileContent (size: number, pool: Buffer): Generator<Buffer> {
  const header = Buffer.from('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n', 'latin1')
  yield header
  let sent = header.length
  let state = 0x9E3779B9
  while (sent < size) {
    state ^= state << 13; state ^= state >>> 17; state ^= state << 5
    const length = Math.min(CHUNK, size - sent)
    const offset = (state >>> 0) % (pool.length - length)
    yield pool.subarray(offset, offset + length)
    sent += length
  }
}

/** Writes the generated file to disk once, so the upload and the floor read the same bytes from the same place. */
async function writeFile (path: string, size: number, pool: Buffer): Promise<void> {
  await pipeline(Readable.from(fileContent(size, pool)), createWriteStream(path))
}

/** The floor: Node's own read → SHA-256 → write of the file, fsynced before it is closed. */
async function floor (path: string, copy: string): Promise<number> {
  const started = process.hrtime.bigint()
  const hash = createHash('sha256')
  const handle = await open(copy, 'w')
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: MiB })) {
      hash.update(chunk as Buffer)
      await handle.write(chunk as Buffer)
    }
    await handle.sync()
  } finally {
    await handle.close()
  }
  hash.digest('hex')
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  await rm(copy)
  return seconds
}

/** Whether curl is installed: it uploads as a browser would, from native code, so the client takes little of the two cores. */
const hasCurl = await promisify(execFile)('curl', ['--version']).then(() => true, () => false)

async function upload (server: { address: string, path: string, token: string }, path: string, size: number): Promise<{ reply: Reply, seconds: number }> {
  if (hasCurl) {
    // curl times itself from the request to the answer's last byte; no "Expect: 100-continue" wait before the body.
    const { stdout } = await promisify(execFile)('curl', [
      '-s', '-H', 'Expect:', '-H', `authorization: Bearer ${server.token}`,
      '-F', `file=@${path};type=application/pdf;filename=bao-cao-${size}.pdf`,
      '-w', '\n%{http_code} %{time_total}', new URL(server.path, server.address).toString()
    ], { maxBuffer: 1024 * 1024 })
    const lines = stdout.split('\n')
    const [status, seconds] = (lines.pop() ?? '').split(' ')
    return { reply: { status: Number(status), body: lines.join('\n') }, seconds: Number(seconds) }
  }
  const boundary = `----par-bench-${randomBytes(8).toString('hex')}`
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bao-cao-${size}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`)
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const body = Readable.from((async function * () {
    yield head
    yield * createReadStream(path, { highWaterMark: MiB })
    yield tail
  })())
  const started = process.hrtime.bigint()
  const reply = await send(server.address, 'POST', server.path, {
    authorization: `Bearer ${server.token}`,
    'content-type': `multipart/form-data; boundary=${boundary}`,
    'content-length': head.length + size + tail.length
  }, body)
  return { reply, seconds: Number(process.hrtime.bigint() - started) / 1e9 }
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const mib = (bytes: number) => bytes / MiB

async function main (): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'par-bench-upload-'))
  let child: ChildProcess | undefined
  let s3rver: { close: () => Promise<void> } | undefined
  try {
    const s3: string[] = []
    if (process.argv.includes('--s3')) {
      const { default: S3rver } = await import('s3rver')
      const bucket = 'bench-evidence'
      const instance = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(dataDir, 's3') })
      const { port } = await instance.run()
      s3rver = instance
      s3.push(`http://127.0.0.1:${port}`, bucket)
      const client = new S3Client({ endpoint: s3[0], region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } })
      await client.send(new CreateBucketCommand({ Bucket: bucket }))
      client.destroy()
      console.log(`into an S3 bucket (s3rver at ${s3[0]}, in the benchmark's own process)`)
    }
    const server = await startServer(dataDir, s3)
    child = server.child
    const pool = randomBytes(4 * MiB)
    const files = join(dataDir, 'files')
    await mkdir(files)

    // Warm up (module loading, JIT, the first multipart parse), then take the idle baseline with the heap collected.
    const warmPath = join(files, 'warm.pdf')
    await writeFile(warmPath, 256 * 1024 + 7, pool)
    const warm = await upload(server, warmPath, 256 * 1024 + 7)
    if (warm.reply.status !== 201) throw new Error(`the warm-up upload failed: ${warm.reply.status} ${warm.reply.body}`)
    await settle(500)
    const { rss: baseline } = await server.memory('reset')
    console.log(`server idle RSS baseline: ${mib(baseline).toFixed(1)} MiB (sampled every 20 ms during uploads); client: ${hasCurl ? 'curl' : 'node:http (curl is not installed)'}\n`)

    const rows: string[] = []
    let worst = Infinity
    for (const sizeMiB of SIZES_MIB) {
      const size = sizeMiB * MiB
      const path = join(files, `${sizeMiB}.pdf`)
      await writeFile(path, size, pool)
      // The floor before and after the upload, on the same file; the better of the two is the floor.
      const floorBefore = await floor(path, `${path}.copy`)
      await server.memory('reset')
      const { reply, seconds } = await upload(server, path, size)
      if (reply.status !== 201) throw new Error(`upload of ${sizeMiB} MiB failed: ${reply.status} ${reply.body}`)
      const stored = JSON.parse(reply.body) as { size: number, mime: string }
      if (stored.size !== size) throw new Error(`stored ${stored.size} bytes instead of ${size}`)
      const { peakRss } = await server.memory('memory')
      const floorSeconds = Math.min(floorBefore, await floor(path, `${path}.copy`))
      await rm(path)
      const growth = mib(peakRss - baseline)
      const ratio = floorSeconds / seconds
      if (sizeMiB >= 100) worst = Math.min(worst, ratio)
      rows.push([
        `${sizeMiB} MiB`.padStart(8),
        `${(sizeMiB / seconds).toFixed(1)} MiB/s`.padStart(13),
        `${seconds.toFixed(2)} s`.padStart(9),
        `${(sizeMiB / floorSeconds).toFixed(1)} MiB/s`.padStart(13),
        `${ratio.toFixed(2)}×`.padStart(7),
        `${mib(peakRss).toFixed(1)} MiB`.padStart(12),
        `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB`.padStart(12),
        growth < TARGET_GROWTH_MIB ? 'yes' : 'NO',
        stored.mime
      ].join('  '))
    }
    console.log(['    size', '   throughput', '     time', '        floor', '  ratio', '    peak RSS', '   RSS growth', `< ${TARGET_GROWTH_MIB} MiB`, 'detected'].join('  '))
    for (const row of rows) console.log(row)
    const { maxRss } = await server.memory('memory')
    console.log(`\nserver max RSS over its life (getrusage): ${mib(maxRss).toFixed(1)} MiB; client RSS now: ${mib(process.memoryUsage.rss()).toFixed(1)} MiB`)
    if (Number.isFinite(worst)) {
      console.log(`ratio upload / floor (Node's read → SHA-256 → write with fsync of the same file), files of 100 MiB or more: ${worst.toFixed(2)}× ` +
        `(target ≥ ${TARGET_RATIO}×: ${worst >= TARGET_RATIO ? 'yes' : 'NO'})${s3.length > 0 ? '; the floor writes to the local disk, the upload to S3' : ''}`)
    }
  } finally {
    if (child && child.exitCode === null) {
      // Closing the IPC channel lets the server close the app and exit (writing its profile, if asked for one).
      const exited = new Promise((resolve) => child!.once('exit', resolve))
      if (child.connected) child.disconnect()
      await Promise.race([exited, settle(5000)])
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    }
    await s3rver?.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
