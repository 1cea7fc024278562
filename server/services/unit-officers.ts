// The units' officer accounts made in one go, as the Sở does when a province starts using the service: every active
// unit without an active officer gets one, named after the unit's code, with a temporary password its officer must
// change at the first login. The passwords are answered once and never kept (only their hashes).
import { randomInt } from 'node:crypto'
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { unitsTable, usersTable } from '../db/schema/index.js'
import { Errors } from '../errors.js'
import { text as t } from '../messages/text.js'
import { fieldProblem } from '../messages/validation.js'
import { publicUser } from './auth.js'
import { audit } from './audit.js'
import type { Actor } from './context.js'
import { hashPassword } from './secrets.js'
import { takenUsernames } from './users.js'

/** A unit officer's username: the unit's code in lower case (h-dong-son), at least 3 characters as every username. */
export const officerUsername = (unitCode: string): string => {
  const lower = unitCode.toLowerCase()
  return lower.length >= 3 ? lower : `${lower}-cb`
}

/** A unit officer's name until they give their own. */
export const officerDisplayName = (unitName: string): string => `Cán bộ CCHC – ${unitName}`

// No letters or digits a reader confuses on paper (0/O, 1/l/I).
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789'

/** A temporary password to read out or print: three groups of four (about 70 bits), e.g. Tx7k-9pQm-4hZr. */
export function temporaryPassword (): string {
  return Array.from({ length: 3 }, () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')).join('-')
}

interface UnitLine { id: string, code: string, name: string, unitType: string }

export interface UnitOfficersOutcome {
  created: Array<{ unit: UnitLine, user: ReturnType<typeof publicUser>, password: string }>
  skipped: Array<{ unit: UnitLine, reason: 'has_officer' | 'username_taken', username: string }>
}

/**
 * Creates the officer account of each active unit (of one type, or those listed) that has no active officer. A unit
 * whose username is already someone's is left for the admin to name by hand. One transaction; each account audited.
 */
export async function createUnitOfficers (db: Db, actor: Actor, query: { unitType?: string | undefined, unitIds?: string[] | undefined }): Promise<UnitOfficersOutcome> {
  const units = await db.select({
    id: unitsTable.id,
    code: unitsTable.code,
    name: unitsTable.name,
    unitType: unitsTable.unitTypeCode,
    active: unitsTable.active,
    hasOfficer: sql<boolean>`exists (select 1 from users u where u.unit_id = units.id and u.role = 'unit_officer' and u.active)`
  }).from(unitsTable)
    .where(and(
      query.unitType === undefined ? undefined : eq(unitsTable.unitTypeCode, query.unitType),
      query.unitIds === undefined ? eq(unitsTable.active, true) : inArray(unitsTable.id, query.unitIds)))
    .orderBy(asc(unitsTable.unitTypeCode), asc(unitsTable.sortKey))
  if (query.unitIds !== undefined) {
    const found = new Map(units.map((unit) => [unit.id, unit]))
    const errors = query.unitIds.flatMap((id, i) => {
      const unit = found.get(id)
      if (unit?.active) return []
      return [fieldProblem('body', `/unitIds/${i}`, 'unknown', { what: 'unit', value: id },
        unit ? t('is an inactive unit', 'là đơn vị đã ngừng hoạt động') : t('is not a unit (of this type)', 'không phải là đơn vị (thuộc loại này)'))]
    })
    if (errors.length > 0) throw Errors.validation(t('Some units cannot have an officer account.', 'Có đơn vị không tạo được tài khoản cán bộ.'), { errors })
  }
  const line = ({ id, code, name, unitType }: UnitLine): UnitLine => ({ id, code, name, unitType })
  const outcome: UnitOfficersOutcome = {
    created: [],
    skipped: units.filter((unit) => unit.hasOfficer).map((unit) => ({ unit: line(unit), reason: 'has_officer' as const, username: officerUsername(unit.code) }))
  }
  const wanted = units.filter((unit) => !unit.hasOfficer)
  if (wanted.length === 0) return outcome
  // Hashed before the transaction (the hashes take the time, on the thread pool).
  const accounts = await Promise.all(wanted.map(async (unit) => {
    const password = temporaryPassword()
    return { unit, password, passwordHash: await hashPassword(password) }
  }))
  await db.transaction(async (tx) => {
    const taken = await takenUsernames(tx, accounts.map(({ unit }) => officerUsername(unit.code)))
    for (const { unit, password, passwordHash } of accounts) {
      const username = officerUsername(unit.code)
      const [row] = taken.has(username)
        ? []
        : await tx.insert(usersTable).values({
          username,
          displayName: officerDisplayName(unit.name),
          role: 'unit_officer',
          unitId: unit.id,
          passwordHash,
          passwordChangeRequired: true
        }).onConflictDoNothing().returning()
      if (row === undefined) {
        outcome.skipped.push({ unit: line(unit), reason: 'username_taken', username })
        continue
      }
      const user = publicUser(row)
      await audit(tx, actor, { action: 'user.create', entityType: 'user', entityId: user.id, after: user })
      outcome.created.push({ unit: line(unit), user, password })
    }
  })
  return outcome
}
