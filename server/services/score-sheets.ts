// Every unit's score sheet of a round in one ZIP: the self-assessments the Sở files, or the appraisals the team keeps
// and signs, each sheet the same file as the unit's own download (same name, same contents, the same reader's rights).
// The units are those the progress screen lists for the caller (an appraiser: the units and fields assigned to them),
// in its order; the archive is written as each sheet is made, so the first bytes leave at once and memory stays flat.
import { Readable } from 'node:stream'
import { Zip, ZipPassThrough } from 'fflate'
import type { Db } from '../db/client.js'
import { appraisersSeeSelfAssessment } from '../domain/lifecycle.js'
import { Errors } from '../errors.js'
import { text as t } from '../messages/text.js'
import { exportAppraisal } from './appraisal/export.js'
import { appraiserOf, assertRoundExists } from './appraisal/context.js'
import type { Actor } from './context.js'
import { appraisalProgress, type UnitProgress } from './progress.js'
import { exportSelfAssessment } from './self-assessment/export.js'
import { fileNamePart, type ScoreSheetFile } from './spreadsheet.js'

export type ScoreSheetKind = 'self-assessment' | 'appraisal'
type SelfStatus = UnitProgress['selfAssessment']['status']

/** The progress list's filters: the units' type, the state of their self-assessment and of their appraisal. */
export interface SheetFilter {
  unitType?: string | undefined
  selfStatus?: UnitProgress['selfAssessment']['status'] | undefined
  appraisalStatus?: UnitProgress['appraisal']['status'] | undefined
}

export interface ScoreSheetArchive {
  filename: string
  stream: Readable
}

const sheetOf: Record<ScoreSheetKind, { prefix: string, build: (db: Db, actor: Actor, roundId: string, unitId: string) => Promise<ScoreSheetFile> }> = {
  'self-assessment': { prefix: 'tu-danh-gia', build: exportSelfAssessment },
  appraisal: { prefix: 'tham-dinh', build: exportAppraisal }
}

/**
 * A ZIP holds each file's time as a wall clock with no zone, read from the server's own zone: the Date whose local time
 * is Vietnam's (UTC+7), so a user in Thanh Hóa sees when the sheets were made in their own time.
 */
function vietnamWallClock (instant: Date): Date {
  return new Date(instant.getTime() + (7 * 60 + instant.getTimezoneOffset()) * 60_000)
}

/** A ZIP of the files as they come: stored, not compressed again (a workbook is itself a ZIP). */
async function * zipOf (files: AsyncIterable<ScoreSheetFile>, modified: Date): AsyncGenerator<Uint8Array> {
  const chunks: Uint8Array[] = []
  let failure: Error | null = null
  const zip = new Zip((error, chunk) => {
    if (error) failure = error
    else chunks.push(chunk)
  })
  for await (const file of files) {
    const entry = new ZipPassThrough(file.filename)
    entry.mtime = modified
    zip.add(entry)
    entry.push(file.body, true)
    if (failure !== null) throw failure
    yield * chunks.splice(0)
  }
  zip.end()
  if (failure !== null) throw failure
  yield * chunks.splice(0)
}

/**
 * The sheets of every unit of the round (of one unit type when given) the caller follows, as a ZIP stream. Checked before
 * the first byte: the round exists and the caller has at least one unit (else 404); a sheet that fails later (the
 * database gone) cuts the download short rather than sending a partial archive that looks whole.
 */
export async function scoreSheetArchive (db: Db, actor: Actor, roundId: string, kind: ScoreSheetKind, filter: SheetFilter = {}): Promise<ScoreSheetArchive> {
  const round = await assertRoundExists(db, roundId)
  const { unitType, selfStatus, appraisalStatus } = filter
  // An appraiser's sheets leave out the units whose self-assessment the team may not read yet (a draft in an open round).
  const shown = appraiserOf(actor) === null ? () => true : (status: SelfStatus) => appraisersSeeSelfAssessment(round.status, status)
  const units = (await appraisalProgress(db, actor, roundId, { unitType }))
    .filter((line) => shown(line.selfAssessment.status) && (selfStatus === undefined || line.selfAssessment.status === selfStatus) && (appraisalStatus === undefined || line.appraisal.status === appraisalStatus))
  if (units.length === 0) {
    throw Errors.notFound(t(`No unit${unitType ? ` of type ${unitType}` : ''} of round ${round.code} that the filters allow is yours to export.`,
      `Kỳ ${round.code} không có đơn vị${unitType ? ` loại ${unitType}` : ''} nào phù hợp bộ lọc mà bạn được xuất bảng điểm.`))
  }
  const { prefix, build } = sheetOf[kind]
  async function * files (): AsyncGenerator<ScoreSheetFile> {
    for (const line of units) yield await build(db, actor, roundId, line.unit.id)
  }
  return {
    filename: `${prefix}-${fileNamePart(round.code)}${unitType ? `-${fileNamePart(unitType)}` : ''}.zip`,
    stream: Readable.from(zipOf(files(), vietnamWallClock(new Date())), { objectMode: false })
  }
}
