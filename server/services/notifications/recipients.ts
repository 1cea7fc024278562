// Who hears of an event: each a query of user ids, for notify() to read inside its own statement.
import { sql, type SQL } from 'drizzle-orm'

/** The officers of one unit. */
export function unitOfficers (unitId: string): SQL {
  return sql`select id from users where role = 'unit_officer' and unit_id = ${unitId}`
}

/** The appraisers assigned, in the round, to any field of the unit's type. */
export function appraisersOfUnit (roundId: string, unitId: string): SQL {
  return sql`select a.user_id from appraisal_assignments a join units u on u.unit_type_code = a.unit_type_code
    where a.round_id = ${roundId} and u.id = ${unitId}`
}

/** The officers of every unit taking part in the round (of one unit type when given). */
export function roundOfficers (roundId: string, unitTypeCode?: string): SQL {
  return sql`select us.id from round_units ru join units u on u.id = ru.unit_id join users us on us.unit_id = ru.unit_id and us.role = 'unit_officer'
    where ru.round_id = ${roundId}${unitTypeCode === undefined ? sql`` : sql` and u.unit_type_code = ${unitTypeCode}`}`
}

/** Every participant of the round's results for one unit type: its units' officers and the appraisers of that type. */
export function roundParticipants (roundId: string, unitTypeCode: string): SQL {
  return sql`${roundOfficers(roundId, unitTypeCode)}
    union select user_id from appraisal_assignments where round_id = ${roundId} and unit_type_code = ${unitTypeCode}`
}

/** Every active admin (notify() leaves inactive accounts out). */
export function admins (): SQL {
  return sql`select id from users where role = 'admin'`
}

/** One user. */
export function user (userId: string): SQL {
  return sql`select ${userId}::uuid`
}

/** The app's paths notifications lead to (the web app's router). */
export const links = {
  selfAssessment: (roundId: string, unitId: string) => `/rounds/${roundId}/units/${unitId}/self-assessment`,
  appraisal: (roundId: string, unitId: string) => `/rounds/${roundId}/units/${unitId}/appraisal`,
  appraisalDesk: () => '/appraisal',
  unitResults: (roundId: string) => `/my-unit/results/${roundId}`,
  myUnit: () => '/my-unit',
  results: () => '/results',
  webhooks: () => '/webhooks'
}
