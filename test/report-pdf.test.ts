// The report as LibreOffice lays it out (where LibreOffice is installed: apt-get install -y libreoffice-writer-nogui):
// converted to PDF, it has a sensible number of A4 pages, portrait and landscape. Skipped, saying so, elsewhere.
import t from 'tap'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import { pathToFileURL } from 'node:url'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { publishedDemoRound } from './helpers/results.js'

const run = promisify(execFile)

function findOnPath (...names: string[]): string | null {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of names) if (directory !== '' && existsSync(join(directory, name))) return join(directory, name)
  }
  return null
}

const soffice = findOnPath('soffice', 'libreoffice')
// The layout does not depend on the database: CI's second pass, on PostgreSQL, need not convert the same document again.
const skip = soffice === null
  ? 'LibreOffice (soffice) is not installed; apt-get install -y libreoffice-writer-nogui to run this test'
  : process.env.TEST_DATABASE_URL ? 'the layout is checked in the run on embedded PGlite' : false

t.test('LibreOffice lays the 2020 department report out on A4 pages', { skip }, async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const admin = await loginAs(app, 'admin')
  const response = await app.inject({ method: 'GET', url: `/rounds/${roundId}/report`, headers: admin.headers })
  t.equal(response.statusCode, 200)

  const directory = await mkdtemp(join(tmpdir(), 'par-report-'))
  t.teardown(() => rm(directory, { recursive: true, force: true }))
  const docx = join(directory, 'report.docx')
  await writeFile(docx, response.rawPayload)
  // A profile of its own, so the conversion neither meets a running LibreOffice nor leaves settings behind.
  await run(soffice as string, [`-env:UserInstallation=${pathToFileURL(join(directory, 'profile')).href}`, '--headless', '--convert-to', 'pdf', '--outdir', directory, docx], { timeout: 240_000 })
  const pdf = (await readFile(join(directory, 'report.pdf'))).toString('latin1')

  const pages = (pdf.match(/\/Type\s*\/Page[^s]/g) ?? []).length
  // 4 pages of text and tables, Bảng 2 on its own, a page or so per chart: 12 to 24 pages for 20 units and 7 fields.
  t.ok(pages >= 12 && pages <= 24, `${pages} pages`)
  const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map((match) => [Number(match[1]), Number(match[2])] as const)
  const a4 = (width: number, height: number) => Math.abs(width - 595.3) < 1 && Math.abs(height - 841.9) < 1
  t.ok(boxes.filter(([width, height]) => a4(width, height)).length >= pages - 2, 'A4 portrait pages')
  t.ok(boxes.some(([width, height]) => a4(height, width)), 'and an A4 landscape page for Bảng 2')
})
