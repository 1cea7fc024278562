// Raw SQL through Drizzle with typed rows; node-postgres and PGlite both return `{ rows }`.
import { createHash } from 'node:crypto'
import { getTableColumns, sql, type Placeholder, type SQL, type Table } from 'drizzle-orm'
import { type Milli, parseDecimal } from '../domain/decimal.js'
import { type PgDialect, PgTransaction } from 'drizzle-orm/pg-core'
import { PgliteSession } from 'drizzle-orm/pglite'
import type { Executor } from './client.js'

export async function queryRows<T> (db: Executor, query: SQL): Promise<T[]> {
  const result = await db.execute(query) as unknown as { rows: T[] }
  return result.rows
}

/** Above this many parameters a statement is not prepared (see preparedRows). */
const PREPARED_MAX_PARAMS = 64

/**
 * queryRows as a named prepared statement, named by its text: on node-postgres each connection parses and plans the
 * statement once and later calls send only its parameters (PGlite, in the process, prepares nothing). For the hot
 * statements of a save, which run thousands of times in a deadline's last hour.
 */
export async function preparedRows<T> (db: Executor, query: SQL): Promise<T[]> {
  const dialect = (db as unknown as { dialect: PgDialect }).dialect
  const compiled = dialect.sqlToQuery(query)
  // A statement of many leaves has a text per number of leaves: those stay unnamed, so a connection keeps a few plans.
  if (compiled.params.length > PREPARED_MAX_PARAMS) return queryRows<T>(db, query)
  return executePrepared<T>(db, compiled, `par_${createHash('sha1').update(compiled.sql).digest('hex').slice(0, 24)}`)
}

/** Runs a compiled statement under a prepared statement's name, with the values of its placeholders, if any. */
async function executePrepared<T> (db: Executor, compiled: ReturnType<PgDialect['sqlToQuery']>, name: string, values: Record<string, unknown> = {}): Promise<T[]> {
  const result = await db._.session.prepareQuery(compiled, undefined, name, false).execute(values) as { rows: T[] }
  return result.rows
}

/**
 * A hot statement whose text is built and compiled once: `build` gets a placeholder for each value (sql.placeholder)
 * and every run only fills in `values`; prepared by `name` (see preparedRows). For a statement that runs on every save,
 * where building the text again each time was a tenth of the request's CPU.
 */
export function compiledStatement<V extends Record<string, unknown>> (name: string, build: (values: { [K in keyof V]: Placeholder<K & string> }, db: Executor) => SQL) {
  let compiled: ReturnType<PgDialect['sqlToQuery']> | undefined
  const placeholders = new Proxy({}, { get: (_target, key) => sql.placeholder(String(key)) }) as { [K in keyof V]: Placeholder<K & string> }
  return async <T>(db: Executor, values: V): Promise<T[]> => {
    compiled ??= (db as unknown as { dialect: PgDialect }).dialect.sqlToQuery(build(placeholders, db))
    return executePrepared<T>(db, compiled, `par_${name}`, values)
  }
}

/**
 * A read of many rows, its columns returned as each database returns them quickest: on PGlite each row as one text, a
 * JSON array of the columns, since PGlite copies and decodes every field of every row apart (a round's 10,000 units ×
 * 10 columns: 240 ms as fields, 100 ms as one text per row); on node-postgres the columns as they are (a text per row
 * cost 12 ms more there). `columns`: each column's name and expression; `query` builds the statement around the select
 * list it is given. A column comes back as JSON writes it on PGlite: cast numerics and bigints to text, read
 * timestamps with toDate or toIso. At most 100 columns (json_build_array takes as many arguments as any function).
 */
export async function wideRows<K extends string> (db: Executor, columns: Record<K, SQL>, query: (select: SQL) => SQL): Promise<Array<Record<K, unknown>>> {
  const names = Object.keys(columns) as K[]
  if (!(db._.session instanceof PgliteSession)) {
    return await queryRows<Record<K, unknown>>(db, query(sql.join(names.map((name) => sql`${columns[name]} as ${sql.identifier(name)}`), sql`, `)))
  }
  const rows = await queryRows<{ row: string }>(db, query(sql`json_build_array(${sql.join(names.map((name) => columns[name]), sql`, `)})::text as row`))
  return rows.map(({ row }) => {
    const values = JSON.parse(row) as unknown[]
    const read = {} as Record<K, unknown>
    for (let i = 0; i < names.length; i++) read[names[i] as K] = values[i]
    return read
  })
}

/**
 * The rows of `query` as one JSON array column (`[]` for none), in `order` (over the query's columns, as `r.<column>`):
 * for reads that take several row sets in one statement, each parsed as rows would be.
 */
export function jsonRows (query: SQL, order: SQL): SQL {
  return sql`(select coalesce(json_agg(r order by ${order}), '[]') from (${query}) r)`
}

/**
 * Runs independent queries together on a pool, but one after another inside a transaction, where a pg
 * client can run only one query at a time.
 */
export async function concurrently<T extends readonly (() => unknown)[]> (db: Executor, tasks: [...T]): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  type Results = { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }
  if (!(db instanceof PgTransaction)) return await Promise.all(tasks.map((task) => task())) as Results
  const results: unknown[] = []
  for (const task of tasks) results.push(await task())
  return results as Results
}

/** Some of a table's columns by name, for a select that takes them as they are: `{ ...columnsOf(unitsTable, 'code', 'name') }`. */
export function columnsOf<T extends Table, K extends keyof T['_']['columns'] & string> (table: T, ...names: K[]): Pick<T['_']['columns'], K> {
  const columns = getTableColumns(table)
  return Object.fromEntries(names.map((name) => [name, columns[name]])) as Pick<T['_']['columns'], K>
}

// Column parsers, one of each: node-postgres and PGlite return timestamps as Date or text and numerics as text.

export const toDate = (value: unknown): Date | null => value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value))
export const toIso = (value: unknown): string | null => toDate(value)?.toISOString() ?? null

/** The database's clock (the transaction's start inside one): every deadline is checked against it, not the process's. */
export async function databaseNow (db: Executor): Promise<Date> {
  const [row] = await queryRows<{ now: unknown }>(db, sql`select now() as now`)
  return toDate(row?.now) as Date
}

/** Exact thousandths of a numeric the database returned as text. */
export function toMilli (text: unknown): Milli {
  const parsed = parseDecimal(String(text))
  if (!parsed.ok) throw new Error(`not an exact decimal from the database: ${String(text)}`)
  return parsed.milli
}
