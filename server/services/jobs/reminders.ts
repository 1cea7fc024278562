// The scheduled reminders: self-assessment deadlines, supplement requests due soon or past due, appraisal deadlines.
import { sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { queryRows, toDate } from '../../db/rows.js'
import { reminderDue } from '../../domain/notifications.js'
import { systemActor } from '../context.js'
import { notify, type NotificationEvent } from '../notifications/notify.js'
import { links, unitOfficers, user } from '../notifications/recipients.js'
import { expireDueRequests } from '../supplement-expiry.js'

/**
 * Reminds the officers of every unit that has not submitted, 7, 3 and 1 day before its own deadline (the round's, or
 * its extension when later), by the database clock. Each reminder goes once per deadline: a new extension starts the
 * count again.
 */
export async function sendDeadlineReminders (db: Db): Promise<number> {
  const units = await queryRows<{ round_id: string, unit_id: string, deadline: unknown, ms_left: number }>(db, sql`
    select ru.round_id, ru.unit_id, d.deadline, (extract(epoch from d.deadline - now()) * 1000)::float8 as ms_left
    from round_units ru join rounds r on r.id = ru.round_id
    cross join lateral (select greatest(r.self_assessment_closes_at, ru.extension_until) as deadline) d
    left join self_assessments sa on sa.round_id = ru.round_id and sa.unit_id = ru.unit_id
    where r.status = 'self_assessment' and d.deadline > now() and d.deadline <= now() + interval '7 days'
      and coalesce(sa.status, 'draft') <> 'submitted'`)
  return remindWhenDue(db, units, (unit, deadline, days) => ({
    kind: 'deadline_reminder',
    recipients: unitOfficers(unit.unit_id),
    roundId: unit.round_id,
    unitId: unit.unit_id,
    facts: { deadline, days },
    link: links.selfAssessment(unit.round_id, unit.unit_id),
    dedupeKey: `deadline:${unit.round_id}:${unit.unit_id}:${deadline.toISOString()}:${days}`
  }))
}

/**
 * Expires the supplement requests past their due date (which tells the unit and the appraiser), then reminds the
 * officers of units with a request due within a day, once per request.
 */
export async function sendSupplementReminders (db: Db): Promise<number> {
  let sent = await expireDueRequests(db, systemActor, {})
  const due = await queryRows<{ id: string, round_id: string, unit_id: string, leaf_codes: string[], due_at: unknown }>(db, sql`
    select id, round_id, unit_id, leaf_codes, due_at from supplement_requests
    where status = 'open' and due_at > now() and due_at <= now() + interval '1 day'`)
  for (const request of due) {
    sent += await db.transaction((tx) => notify(tx, {
      kind: 'supplement_due_soon',
      recipients: unitOfficers(request.unit_id),
      roundId: request.round_id,
      unitId: request.unit_id,
      facts: { deadline: toDate(request.due_at), leafCodes: request.leaf_codes },
      link: links.selfAssessment(request.round_id, request.unit_id),
      dedupeKey: `supplement-due:${request.id}`
    }))
  }
  return sent
}

/**
 * Reminds each appraiser, 7, 3 and 1 day before the round's appraisal deadline, of the units not finalized that still
 * have a leaf of their fields without an appraised score.
 */
export async function sendAppraisalReminders (db: Db): Promise<number> {
  const rows = await queryRows<{ round_id: string, user_id: string, deadline: unknown, ms_left: number, units: number }>(db, sql`
    select a.round_id, a.user_id, r.appraisal_closes_at as deadline,
      (extract(epoch from r.appraisal_closes_at - now()) * 1000)::float8 as ms_left, count(distinct ru.unit_id)::int as units
    from appraisal_assignments a
    join rounds r on r.id = a.round_id
    join round_units ru on ru.round_id = a.round_id
    join units u on u.id = ru.unit_id and u.unit_type_code = a.unit_type_code
    join round_catalogs rc on rc.round_id = a.round_id and rc.unit_type_code = a.unit_type_code
    join catalog_leaves cl on cl.catalog_id = rc.catalog_id and cl.field_code = a.field_code
    left join appraisals ap on ap.round_id = a.round_id and ap.unit_id = ru.unit_id
    where r.status = 'appraisal' and r.appraisal_closes_at > now() and r.appraisal_closes_at <= now() + interval '7 days'
      and coalesce(ap.status, 'in_progress') <> 'finalized'
      and not exists (select 1 from appraisal_entries e where e.appraisal_id = ap.id and e.leaf_code = cl.code)
    group by a.round_id, a.user_id, r.appraisal_closes_at`)
  return remindWhenDue(db, rows, (row, deadline, days) => ({
    kind: 'appraisal_deadline_reminder',
    recipients: user(row.user_id),
    roundId: row.round_id,
    facts: { deadline, days, count: row.units },
    link: links.appraisalDesk(),
    dedupeKey: `appraisal-deadline:${row.round_id}:${deadline.toISOString()}:${days}`
  }))
}

/**
 * For each row whose deadline is 7, 3 or 1 day away (by the database clock: `ms_left`), its reminder, each in its own
 * transaction; the number of notifications written.
 */
async function remindWhenDue<T extends { deadline: unknown, ms_left: number }> (db: Db, rows: T[], reminder: (row: T, deadline: Date, days: number) => NotificationEvent): Promise<number> {
  let sent = 0
  for (const row of rows) {
    const days = reminderDue(Number(row.ms_left))
    const deadline = toDate(row.deadline)
    if (days === null || deadline === null) continue
    sent += await db.transaction((tx) => notify(tx, reminder(row, deadline, days)))
  }
  return sent
}
