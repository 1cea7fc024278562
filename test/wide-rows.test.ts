// wideRows (server/db/rows.ts): a wide read comes back as one JSON text per row on PGlite and as plain columns on
// node-postgres; either way each row must read as the same select does through queryRows, in the statement's order.
// This suite runs on PGlite, and on PostgreSQL under TEST_DATABASE_URL, so each path is checked on its database.
import t from 'tap'
import { type SQL, sql } from 'drizzle-orm'
import { PgliteSession } from 'drizzle-orm/pglite'
import { queryRows, toIso, wideRows } from '../server/db/rows.js'
import { freshDatabase } from './helpers/app.js'

const values = sql`(values
  (3, 'a "quoted" \\ back\\slash', '00000000-0000-4000-8000-000000000003'::uuid, timestamptz '2026-12-06 04:51:00.123956+07', true),
  (1, E'Thanh Hóa\\nline two\\ttab \\u0001 😀', '00000000-0000-4000-8000-000000000001'::uuid, null, false),
  (2, null, '00000000-0000-4000-8000-000000000002'::uuid, timestamptz '1999-12-31 23:59:59.999999+00', null),
  (4, '', '00000000-0000-4000-8000-000000000004'::uuid, timestamptz '2026-01-01 00:00:00+00', true)
) as v(n, label, id, at, flag)`

const columns: Record<'n' | 'label' | 'id' | 'at' | 'flag' | 'big', SQL> = {
  n: sql`v.n`,
  label: sql`v.label`,
  id: sql`v.id`,
  at: sql`v.at`,
  flag: sql`v.flag`,
  // A bigint beyond 2^53, cast to text as wideRows asks.
  big: sql`(9007199254740993 * v.n)::text`
}

t.test('a wide read returns each row as the same select through queryRows, in order', async (t) => {
  const database = await freshDatabase(t)
  const db = database.db
  const statement = (select: SQL) => sql`select ${select} from ${values} where v.n > ${0} order by v.n desc`
  const wide = await wideRows(db, columns, statement)
  const plain = await queryRows<Record<keyof typeof columns, unknown>>(db, statement(sql`v.n, v.label, v.id, v.at, v.flag, (9007199254740993 * v.n)::text as big`))
  t.equal(wide.length, 4, 'every row')
  t.same(wide.map((row) => row.n), [4, 3, 2, 1], "the statement's order")
  t.same(wide.map((row) => ({ ...row, at: toIso(row.at) })), plain.map((row) => ({ ...row, at: toIso(row.at) })), 'the same values as plain columns, timestamps read with toIso')
  t.equal(wide.find((row) => row.n === 1)?.label, 'Thanh Hóa\nline two\ttab \u0001 😀', 'text with control characters and beyond the Basic Multilingual Plane')
  t.equal(wide.find((row) => row.n === 3)?.big, '27021597764222979', 'a bigint as text loses nothing')
  t.equal(toIso(wide.find((row) => row.n === 3)?.at), '2026-12-05T21:51:00.123Z', 'a timestamp at its instant, to the millisecond')
  t.same(await wideRows(db, columns, (select) => sql`select ${select} from ${values} where false`), [], 'no rows')
  t.comment(db._.session instanceof PgliteSession ? 'read as one JSON text per row (PGlite)' : 'read as plain columns (node-postgres)')
})
