// Benchmark (not a test): uploads generated 1, 100 and 500 MiB files to a child-process server and reports throughput
// and the server's RSS growth. `--s3`: into an S3 bucket (s3rver, run by this process so its memory is not the server's)
// instead of the local disk. `--sizes=1,10`: other sizes in MiB.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'

const MiB = 1024 * 1024
// `--sizes=1,10` for other sizes (CI runs small ones).
const SIZES_MIB = (process.argv.find((arg) => arg.startsWith('--sizes='))?.split('=')[1] ?? '1,100,500').split(',').map(Number)
const TARGET_GROWTH_MIB = 64
const CHUNK = 256 * 1024

interface Reply { status: number, body: string }

/** Waits for the server's `{ address }` line on its stdout. */
async function startServer (dataDir: string, s3: string[]): Promise<{ child: ChildProcess, address: string }> {
  const serverScript = join(dirname(fileURLToPath(import.meta.url)), 'bench-upload-server.ts')
  // Node itself runs the server (not an npx or tsx wrapper), so the RSS it reports is the server's own.
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', serverScript, dataDir, ...s3], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout! })
  const address = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the benchmark server exited with code ${code}`)))
    lines.once('line', (line) => resolve((JSON.parse(line) as { address: string }).address))
  })
  return { child, address }
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

async function json<T> (address: string, method: string, path: string): Promise<T> {
  const reply = await send(address, method, path)
  return JSON.parse(reply.body) as T
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

async function upload (address: string, size: number, pool: Buffer): Promise<{ reply: Reply, seconds: number }> {
  const boundary = `----par-bench-${randomBytes(8).toString('hex')}`
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bao-cao-${size}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`)
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const body = Readable.from((function * () {
    yield head
    yield * fileContent(size, pool)
    yield tail
  })())
  const started = process.hrtime.bigint()
  const reply = await send(address, 'POST', '/upload', {
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
    const { address } = server
    const pool = randomBytes(4 * MiB)

    // Warm up (module loading, JIT, first multipart parse), then take the idle baseline with the heap collected.
    const warm = await upload(address, 256 * 1024, pool)
    await json(address, 'DELETE', `/objects/${(JSON.parse(warm.reply.body) as { sha256: string }).sha256}`)
    await settle(500)
    const { rss: baseline } = await json<{ rss: number }>(address, 'POST', '/memory/reset')
    console.log(`server idle RSS baseline: ${mib(baseline).toFixed(1)} MiB (sampled every 20 ms during uploads)\n`)

    const rows: string[] = []
    for (const sizeMiB of SIZES_MIB) {
      await json(address, 'POST', '/memory/reset')
      const { reply, seconds } = await upload(address, sizeMiB * MiB, pool)
      if (reply.status !== 200) throw new Error(`upload of ${sizeMiB} MiB failed: ${reply.status} ${reply.body}`)
      const stored = JSON.parse(reply.body) as { sha256: string, size: number, detectedType: { mime: string } }
      if (stored.size !== sizeMiB * MiB) throw new Error(`stored ${stored.size} bytes instead of ${sizeMiB * MiB}`)
      const { peakRss } = await json<{ peakRss: number }>(address, 'GET', '/memory')
      await json(address, 'DELETE', `/objects/${stored.sha256}`)
      const growth = mib(peakRss - baseline)
      rows.push([
        `${sizeMiB} MiB`.padStart(8),
        `${(sizeMiB / seconds).toFixed(1)} MiB/s`.padStart(13),
        `${seconds.toFixed(2)} s`.padStart(9),
        `${mib(peakRss).toFixed(1)} MiB`.padStart(12),
        `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB`.padStart(12),
        growth < TARGET_GROWTH_MIB ? 'yes' : 'NO',
        stored.detectedType.mime
      ].join('  '))
    }
    console.log(['    size', '   throughput', '     time', '    peak RSS', '   RSS growth', `< ${TARGET_GROWTH_MIB} MiB`, 'detected'].join('  '))
    for (const row of rows) console.log(row)
    const { maxRss } = await json<{ maxRss: number }>(address, 'GET', '/memory')
    console.log(`\nserver max RSS over its life (getrusage): ${mib(maxRss).toFixed(1)} MiB; client RSS now: ${mib(process.memoryUsage.rss()).toFixed(1)} MiB`)
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    await s3rver?.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
