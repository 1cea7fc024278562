// Supplement requests (yêu cầu bổ sung): an appraiser reopens specific leaves of a unit until a due date; the unit
// changes exactly those leaves and answers; the appraiser reviews and closes. Unanswered requests expire at their due date.
import { sql, type Placeholder, type SQL } from 'drizzle-orm'
import type { Db, Executor } from '../db/client.js'
import { supplementRequestsTable } from '../db/schema/index.js'
import { queryRows, toDate } from '../db/rows.js'
import { lockedLeaves, type SupplementStatus } from '../domain/appraisal.js'
import { Errors } from '../errors.js'
import { appraiserOf, assertAppraisalWritable, assertLeafInScope, catalogOf, fieldScope, inScope, loadAppraisalContext, requestVisibleTo, type UnitRef, type UserRef } from './appraisal/context.js'
import { expireDueRequests } from './supplement-expiry.js'
import { audit } from './audit.js'
import { supplementAnswered, supplementClosed, supplementRequested } from './notifications/events.js'
import { loadCatalog } from './catalogs.js'
import type { Actor } from './context.js'
import { officerUnitOf, showInstant, shownRoundStatus } from './rounds.js'
import { formatVietnamDateTime } from '../domain/lifecycle.js'
import { expiredRequest, noSuch, onlyUsers, statusName } from '../messages/problems.js'
import { joinTexts, Text, text as t } from '../messages/text.js'
import { fieldProblem, fieldProblemsText } from '../messages/validation.js'
import { roundLeavesSql } from '../db/queries/round-units.js'

export interface SupplementRequest {
  id: string
  roundId: string
  unit: UnitRef
  leafCodes: string[]
  reason: string
  dueAt: string
  status: SupplementStatus
  answer: string | null
  answeredAt: string | null
  answeredBy: UserRef | null
  closedAt: string | null
  closedBy: UserRef | null
  /** Null for a unit officer: a request comes from the appraisal team (Tổ thẩm định), not a named member of it. */
  createdBy: UserRef | null
  createdAt: string
}

const user = (row: Record<string, unknown>, prefix: string): UserRef | null =>
  row[`${prefix}_id`] === null ? null : { id: String(row[`${prefix}_id`]), username: String(row[`${prefix}_username`]), displayName: String(row[`${prefix}_name`]) }

function requestOf (row: Record<string, unknown>): SupplementRequest {
  return {
    id: String(row.id),
    roundId: String(row.round_id),
    unit: { id: String(row.unit_id), code: String(row.unit_code), name: String(row.unit_name), unitType: String(row.unit_type_code) },
    leafCodes: row.leaf_codes as string[],
    reason: String(row.reason),
    dueAt: showInstant(toDate(row.due_at)) as string,
    status: row.status as SupplementStatus,
    answer: row.answer === null ? null : String(row.answer),
    answeredAt: toDate(row.answered_at)?.toISOString() ?? null,
    answeredBy: user(row, 'answered_by'),
    closedAt: toDate(row.closed_at)?.toISOString() ?? null,
    closedBy: user(row, 'closed_by'),
    createdBy: user(row, 'created_by') as UserRef,
    createdAt: (toDate(row.created_at) as Date).toISOString()
  }
}

/**
 * A request as the caller sees it. To the unit it comes from the appraisal team: who in the team wrote or closed it
 * stays the team's, as in the unit's appraisal export.
 */
function shownTo (actor: Actor, request: SupplementRequest): SupplementRequest {
  return officerUnitOf(actor) === null ? request : { ...request, createdBy: null, closedBy: null }
}

async function selectRequests (db: Executor, roundId: string | null, where: SQL): Promise<SupplementRequest[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    ${roundId === null ? sql`` : sql`with ${roundLeavesSql(roundId)}`}
    select sr.*, u.code as unit_code, u.name as unit_name, u.unit_type_code,
      ab.id as answered_by_id, ab.username as answered_by_username, ab.display_name as answered_by_name,
      cb.id as closed_by_id, cb.username as closed_by_username, cb.display_name as closed_by_name,
      cr.id as created_by_id, cr.username as created_by_username, cr.display_name as created_by_name
    from supplement_requests sr
    join units u on u.id = sr.unit_id
    join users cr on cr.id = sr.created_by
    left join users ab on ab.id = sr.answered_by
    left join users cb on cb.id = sr.closed_by
    where ${where}
    order by sr.created_at, sr.id`)
  return rows.map(requestOf)
}

/**
 * Requests of a round, optionally of one unit and in one status, oldest first. A unit officer gets only their
 * unit's; an appraiser only those touching a field assigned to them.
 */
export async function listSupplementRequests (db: Executor, actor: Actor, roundId: string, query: { unitId?: string | undefined, status?: SupplementStatus | undefined }): Promise<SupplementRequest[]> {
  await shownRoundStatus(db, actor, roundId)
  await expireDueRequests(db, actor, { roundId, unitId: query.unitId })
  const filters: SQL[] = [sql`sr.round_id = ${roundId}`]
  const principal = actor.principal
  if (principal?.kind === 'user' && principal.role === 'unit_officer') filters.push(sql`sr.unit_id = ${principal.unitId}`)
  if (query.unitId !== undefined) filters.push(sql`sr.unit_id = ${query.unitId}`)
  if (query.status !== undefined) filters.push(sql`sr.status = ${query.status}`)
  const appraiser = appraiserOf(actor)
  if (appraiser !== null) filters.push(requestVisibleTo(appraiser))
  return (await selectRequests(db, roundId, sql.join(filters, sql` and `))).map((request) => shownTo(actor, request))
}

/**
 * One request, if the caller may see it: a unit officer only their unit's, an appraiser only one touching their
 * fields (otherwise it does not exist for them).
 */
export async function getSupplementRequest (db: Executor, actor: Actor, id: string): Promise<SupplementRequest> {
  await expireDueRequests(db, actor, { requestId: id })
  const [found] = await queryRows<{ round_id: string }>(db, sql`select round_id from supplement_requests where id = ${id}`)
  if (!found) throw Errors.notFound(noSuch.supplementRequest)
  const filters: SQL[] = [sql`sr.id = ${id}`]
  const principal = actor.principal
  if (principal?.kind === 'user' && principal.role === 'unit_officer') filters.push(sql`sr.unit_id = ${principal.unitId}`)
  const appraiser = appraiserOf(actor)
  if (appraiser !== null) filters.push(requestVisibleTo(appraiser))
  const [request] = await selectRequests(db, String(found.round_id), sql.join(filters, sql` and `))
  if (!request) throw Errors.notFound(noSuch.supplementRequest)
  return shownTo(actor, request)
}

export interface NewSupplementRequest { leafCodes: string[], reason: string, dueAt: string }

/**
 * An appraiser flags leaves of their fields of a unit as needing more evidence, with a reason and a due date
 * (in the future by the database clock, and not after the round's supplement deadline). Exactly those leaves
 * reopen for the unit until it answers or the due date passes.
 */
export async function createSupplementRequest (db: Db, actor: Actor, roundId: string, unitId: string, input: NewSupplementRequest): Promise<SupplementRequest> {
  if (input.reason.trim() === '') throw Errors.validation(t('A supplement request needs a reason.', 'Yêu cầu bổ sung cần có lý do.'), { errors: [fieldProblem('body', '/reason', 'blank')] })
  return db.transaction(async (tx) => {
    const context = await loadAppraisalContext(tx, actor, roundId, unitId, { lock: true })
    const scope = await fieldScope(tx, actor, roundId, context.unit.unitType)
    assertAppraisalWritable(context)
    const catalog = await loadCatalog(tx, catalogOf(context))
    const errors: ReturnType<typeof fieldProblem>[] = []
    input.leafCodes.forEach((leafCode, i) => {
      const node = catalog.byCode.get(leafCode)
      if (!node) errors.push(fieldProblem('body', `/leafCodes/${i}`, 'unknown', { what: 'leaf', value: leafCode }, t(`the catalog has no leaf ${leafCode}`, `bộ tiêu chí không có tiêu chí ${leafCode}`)))
      else if (!node.leaf) errors.push(fieldProblem('body', `/leafCodes/${i}`, 'notALeaf', { value: leafCode }, t(`${leafCode} has sub-criteria; name its leaves`, `${leafCode} có tiêu chí thành phần; hãy chọn từng tiêu chí thành phần`)))
    })
    if (errors.length > 0) throw Errors.validation(fieldProblemsText(errors), { errors })
    for (const leafCode of input.leafCodes) assertLeafInScope(scope, catalog.byCode.get(leafCode) as { code: string, fieldCode: string })
    // One question at a time on a leaf: a second open request would show the unit two due dates for one answer.
    // (Requests past due were expired when the appraisal was loaded above.)
    const open = await openRequestLeaves(tx, roundId, unitId)
    const asked = input.leafCodes.filter((code) => open.has(code))
    if (asked.length > 0) {
      throw Errors.supplementAlreadyOpen(t(`Leaf ${asked.join(', ')} already has an open supplement request; wait for the unit's answer, or withdraw that request first.`,
        `Tiêu chí ${asked.join(', ')} đã có yêu cầu bổ sung đang chờ đơn vị trả lời; hãy chờ đơn vị trả lời, hoặc rút yêu cầu đó trước.`), {
        errors: asked.map((code) => ({ leafCode: code, code: 'supplement_open', requestIds: open.get(code) ?? [], message: t(`leaf ${code} already has an open request`, `tiêu chí ${code} đã có yêu cầu đang mở`) }))
      })
    }
    const [due] = await queryRows<{ future: boolean, within: boolean | null }>(tx, sql`
      select ${input.dueAt}::timestamptz > now() as future, ${input.dueAt}::timestamptz <= ${context.supplementClosesAt?.toISOString() ?? null}::timestamptz as within`)
    if (due?.future !== true) throw Errors.validation(t('The due date must be in the future.', 'Hạn trả lời phải là thời điểm trong tương lai.'), { errors: [fieldProblem('body', '/dueAt', 'future')] })
    if (due.within === false) {
      const closes = showInstant(context.supplementClosesAt)
      const closesVi = context.supplementClosesAt === null ? '' : formatVietnamDateTime(context.supplementClosesAt)
      throw Errors.validation(t(`The due date must not be after the round's supplement deadline (${closes}).`, `Hạn trả lời không được sau hạn trả lời yêu cầu bổ sung của kỳ (${closesVi}).`), {
        errors: [fieldProblem('body', '/dueAt', 'notAfter', { limit: closes }, t(`must not be after ${closes}`, `không được sau ${closesVi}`))]
      })
    }
    // Lock the unit's appraisal row against a finalization in flight (finalizing takes it for update).
    await tx.execute(sql`insert into appraisals (round_id, unit_id) values (${roundId}, ${unitId}) on conflict do nothing`)
    const [appraisal] = await queryRows<{ status: string }>(tx, sql`select status from appraisals where round_id = ${roundId} and unit_id = ${unitId} for share`)
    if (appraisal?.status === 'finalized') assertAppraisalWritable({ ...context, status: 'finalized' })
    const createdBy = actor.principal?.kind === 'user' ? actor.principal.id : null
    if (createdBy === null) throw Errors.forbidden(t('Only a logged-in appraiser can request supplementary evidence.', 'Chỉ người thẩm định đã đăng nhập mới yêu cầu bổ sung được.'))
    const [created] = await tx.insert(supplementRequestsTable).values({
      roundId, unitId, leafCodes: input.leafCodes, reason: input.reason, dueAt: new Date(input.dueAt), createdBy
    }).returning({ id: supplementRequestsTable.id })
    const id = (created as { id: string }).id
    const [request] = await selectRequests(tx, null, sql`sr.id = ${id}`)
    await audit(tx, actor, {
      action: 'supplement.create',
      entityType: 'supplement_request',
      entityId: id,
      before: null,
      after: { status: 'open', roundId, unitId, leafCodes: input.leafCodes, dueAt: request?.dueAt },
      reason: input.reason
    })
    await supplementRequested(tx, { roundId, unitId, leafCodes: input.leafCodes, dueAt: input.dueAt, reason: input.reason, createdBy })
    return request as SupplementRequest
  })
}

async function lockRequest (tx: Executor, actor: Actor, id: string) {
  await expireDueRequests(tx, actor, { requestId: id })
  const [row] = await tx.select().from(supplementRequestsTable).where(sql`${supplementRequestsTable.id} = ${id}`).for('update')
  if (!row) throw Errors.notFound(noSuch.supplementRequest)
  return row
}

function describeStatus (row: typeof supplementRequestsTable.$inferSelect): Text {
  switch (row.status) {
    case 'answered': return t(`it was answered at ${row.answeredAt?.toISOString()}`, `yêu cầu đã được trả lời lúc ${row.answeredAt ? formatVietnamDateTime(row.answeredAt) : ''}`)
    case 'closed': return t('the appraiser closed it', 'người thẩm định đã đóng yêu cầu')
    case 'expired': return t(`it expired at its due date ${showInstant(row.dueAt)}`, `yêu cầu đã quá hạn lúc ${formatVietnamDateTime(row.dueAt)}`)
    default: return t('it is open', 'yêu cầu đang mở')
  }
}

/** The unit answers an open request before its due date; its leaves lock again and it waits for the appraiser's review. */
export async function answerSupplementRequest (db: Db, actor: Actor, id: string, answer: string): Promise<SupplementRequest> {
  if (answer.trim() === '') throw Errors.validation(t('The answer must not be blank.', 'Nội dung trả lời không được để trống.'), { errors: [fieldProblem('body', '/answer', 'blank')] })
  const principal = actor.principal
  return db.transaction(async (tx) => {
    // The round first, then the request: the order of the unit's saves, which lock the round and then its open requests.
    const [round] = await queryRows<{ status: string, code: string }>(tx, sql`
      select r.status, r.code from rounds r join supplement_requests sr on sr.round_id = r.id where sr.id = ${id} for share of r`)
    const row = await lockRequest(tx, actor, id)
    if (principal?.kind !== 'user' || principal.role !== 'unit_officer' || principal.unitId !== row.unitId) throw Errors.notFound(noSuch.supplementRequest)
    if (round?.status !== 'appraisal') throw Errors.appraisalClosed(t(`Round ${round?.code} is in status ${round?.status}; supplement requests are answered while it is in appraisal.`, `Kỳ đánh giá ${round?.code} đang ở trạng thái “${statusName(round?.status)}”; yêu cầu bổ sung chỉ được trả lời trong giai đoạn thẩm định.`))
    if (row.status !== 'open') throw Errors.supplementNotOpen(t(`The request cannot be answered: ${describeStatus(row).en}.`, `Không thể trả lời yêu cầu: ${describeStatus(row).vi}.`), { extra: { requestStatus: row.status } })
    await tx.update(supplementRequestsTable).set({ status: 'answered', answer, answeredAt: sql`now()`, answeredBy: principal.id }).where(sql`${supplementRequestsTable.id} = ${id}`)
    await audit(tx, actor, {
      action: 'supplement.answer',
      entityType: 'supplement_request',
      entityId: id,
      before: { status: 'open' },
      after: { status: 'answered', roundId: row.roundId, unitId: row.unitId, leafCodes: row.leafCodes, answer }
    })
    await supplementAnswered(tx, { ...row, reason: null })
    const [request] = await selectRequests(tx, null, sql`sr.id = ${id}`)
    return shownTo(actor, request as SupplementRequest)
  })
}

/**
 * The appraiser, after reviewing, closes a request (an open one too, which withdraws it); an admin may close any.
 * An appraiser must be assigned to the fields of all its leaves.
 */
export async function closeSupplementRequest (db: Db, actor: Actor, id: string, comment?: string | null): Promise<SupplementRequest> {
  const principal = actor.principal
  return db.transaction(async (tx) => {
    const row = await lockRequest(tx, actor, id)
    if (principal?.kind !== 'user') throw Errors.forbidden(onlyUsers)
    if (principal.role === 'appraiser') {
      const context = await loadAppraisalContext(tx, actor, row.roundId, row.unitId)
      let scope
      try {
        scope = await fieldScope(tx, actor, row.roundId, context.unit.unitType)
      } catch {
        throw Errors.notFound(noSuch.supplementRequest)
      }
      const catalog = await loadCatalog(tx, catalogOf(context))
      const nodes = row.leafCodes.map((code) => catalog.byCode.get(code)).filter((node) => node !== undefined)
      if (!nodes.some((node) => inScope(scope, node.fieldCode))) throw Errors.notFound(noSuch.supplementRequest)
      for (const node of nodes) assertLeafInScope(scope, node)
    }
    if (row.status === 'closed' || row.status === 'expired') throw Errors.supplementClosed(t(`The request is already closed: ${describeStatus(row).en}.`, `Yêu cầu đã đóng: ${describeStatus(row).vi}.`), { extra: { requestStatus: row.status } })
    await tx.update(supplementRequestsTable).set({ status: 'closed', closedAt: sql`now()`, closedBy: principal.id }).where(sql`${supplementRequestsTable.id} = ${id}`)
    const reason = comment === undefined || comment === null || comment.trim() === '' ? null : comment
    await audit(tx, actor, {
      action: 'supplement.close',
      entityType: 'supplement_request',
      entityId: id,
      before: { status: row.status },
      after: { status: 'closed', roundId: row.roundId, unitId: row.unitId, leafCodes: row.leafCodes },
      reason
    })
    await supplementClosed(tx, { ...row, reason })
    const [request] = await selectRequests(tx, null, sql`sr.id = ${id}`)
    return request as SupplementRequest
  })
}

/**
 * The leaves of a unit that its open supplement requests reopen now (due date in the future by the database clock,
 * round in appraisal, unit not finalized), each with the requests that reopen it. Expires due requests first and
 * locks the open ones for share, so an answer waits until a save that relies on them is done.
 */
export async function reopenedLeaves (tx: Executor, actor: Actor, roundId: string, unitId: string): Promise<Map<string, string[]>> {
  await expireDueRequests(tx, actor, { roundId, unitId })
  return openRequestLeaves(tx, roundId, unitId, true)
}

/**
 * The same leaves for reading, without expiring or locking: a request past its due date reopens nothing either way,
 * because the due date is compared with the database clock here too.
 */
export async function openRequestLeaves (db: Executor, roundId: string, unitId: string, lock = false): Promise<Map<string, string[]>> {
  return requestLeaves(await queryRows<{ id: string, leaf_codes: string[] }>(db, sql`${openRequestsSql(roundId, unitId)} ${lock ? sql`for share of sr` : sql``}`))
}

/**
 * The statement of openRequestLeaves: the unit's open requests still due, while its appraisal is not finalized, oldest
 * first (created_at is selected for a JSON aggregate's order).
 */
export function openRequestsSql (roundId: string | Placeholder, unitId: string | Placeholder): SQL {
  return sql`
    select sr.id, sr.leaf_codes, sr.created_at from supplement_requests sr
    join rounds r on r.id = sr.round_id and r.status = 'appraisal'
    where sr.round_id = ${roundId} and sr.unit_id = ${unitId} and sr.status = 'open' and sr.due_at > now()
      and not exists (select 1 from appraisals a where a.round_id = sr.round_id and a.unit_id = sr.unit_id and a.status = 'finalized')
    order by sr.created_at, sr.id`
}

/** Each leaf with the requests (of openRequestsSql's rows, in their order) that reopen it. */
export function requestLeaves (rows: ReadonlyArray<{ id: string, leaf_codes: string[] }>): Map<string, string[]> {
  const leaves = new Map<string, string[]>()
  for (const row of rows) for (const code of row.leaf_codes) leaves.set(code, [...(leaves.get(code) ?? []), String(row.id)])
  return leaves
}

/**
 * The listed leaves whose latest supplement request expired unanswered, each with its due date, while the round is in
 * appraisal and the unit not finalized (as openRequestsSql): such a leaf was open to the unit until that moment.
 */
async function expiredRequestLeaves (tx: Executor, roundId: string, unitId: string, leafCodes: readonly string[]): Promise<Map<string, Date>> {
  if (leafCodes.length === 0) return new Map()
  const rows = await queryRows<{ leaf_code: string, status: string, due_at: unknown }>(tx, sql`
    select distinct on (leaf.code) leaf.code as leaf_code, sr.status, sr.due_at
    from supplement_requests sr
    join rounds r on r.id = sr.round_id and r.status = 'appraisal'
    cross join lateral jsonb_array_elements_text(sr.leaf_codes) as leaf(code)
    where sr.round_id = ${roundId} and sr.unit_id = ${unitId} and leaf.code = any(${sql.param([...leafCodes])}::text[])
      and not exists (select 1 from appraisals a where a.round_id = sr.round_id and a.unit_id = sr.unit_id and a.status = 'finalized')
    order by leaf.code, sr.created_at desc, sr.id desc`)
  return new Map(rows.filter((row) => row.status === 'expired').map((row) => [row.leaf_code, toDate(row.due_at) as Date]))
}

/** The refusal of a write on leaves whose supplement requests expired: when, per due date, and that nothing was saved. */
function expiredRefusal (expired: Map<string, Date>): { detail: Text, errors: { leafCode: string, code: string, message: Text }[] } {
  const byDue = new Map<number, string[]>()
  for (const [leafCode, dueAt] of expired) byDue.set(dueAt.getTime(), [...(byDue.get(dueAt.getTime()) ?? []), leafCode])
  return {
    detail: expiredRequest.leaves([...byDue].sort(([a], [b]) => a - b).map(([due, leafCodes]) => ({ leafCodes, dueAt: new Date(due) }))),
    errors: [...expired].map(([leafCode, dueAt]) => ({ leafCode, code: 'supplement_expired', message: expiredRequest.leaf(leafCode, dueAt) }))
  }
}

/**
 * For a unit's write outside its self-assessment window: null when no supplement request reopens anything and none of
 * the listed leaves had one that expired (the caller's usual refusal applies); the ids of the requests that reopen the
 * listed leaves, with every reopened leaf's requests; or LEAF_LOCKED (409) naming the listed leaves that stay locked.
 * A leaf whose request expired unanswered is said to be locked for that, with the due time, rather than by the round's
 * status: the officer had it open until then (`expiredLeafCodes`).
 */
export async function supplementReopens (tx: Executor, actor: Actor, roundId: string, unitId: string, leafCodes: readonly string[]): Promise<{ requestIds: string[], reopened: Map<string, string[]> } | null> {
  const reopened = await reopenedLeaves(tx, actor, roundId, unitId)
  const locked = lockedLeaves(leafCodes, new Set(reopened.keys()))
  const expired = await expiredRequestLeaves(tx, roundId, unitId, locked)
  if (reopened.size === 0 && expired.size === 0) return null
  const open = [...reopened.keys()]
  if (locked.length > 0) {
    const stillLocked = locked.filter((leafCode) => !expired.has(leafCode))
    const refusal = expired.size === 0 ? null : expiredRefusal(expired)
    // The leaves whose request expired are said once, above; the sentence about the others names only them.
    const lockedText = stillLocked.length === 0
      ? null
      : open.length > 0
        ? t(`Only the leaves of your open supplement requests (${open.join(', ')}) can be changed now; ${stillLocked.join(', ')} ${stillLocked.length === 1 ? 'is' : 'are'} locked.`,
          `Hiện chỉ được thay đổi các tiêu chí của yêu cầu bổ sung đang mở (${open.join(', ')}); ${stillLocked.join(', ')} đang bị khóa.`)
        : t(`No supplement request is open; ${stillLocked.join(', ')} ${stillLocked.length === 1 ? 'is' : 'are'} locked too.`, `Không còn yêu cầu bổ sung nào đang mở; ${stillLocked.join(', ')} cũng đang bị khóa.`)
    throw Errors.leafLocked(joinTexts([refusal?.detail, lockedText].filter((part): part is Text => part !== null && part !== undefined)), {
      errors: [
        ...(refusal?.errors ?? []),
        ...stillLocked.map((leafCode) => ({ leafCode, code: 'leaf_locked', message: t(`Leaf ${leafCode} is not reopened by a supplement request.`, `Tiêu chí ${leafCode}: không thuộc yêu cầu bổ sung đang mở.`) }))
      ],
      extra: { reopenedLeafCodes: open, ...(expired.size === 0 ? {} : { expiredLeafCodes: [...expired.keys()] }) }
    })
  }
  return { requestIds: [...new Set(leafCodes.flatMap((code) => reopened.get(code) ?? []))], reopened }
}
