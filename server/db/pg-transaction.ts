// A correction to drizzle-orm's node-postgres transactions (0.45): its transaction() sends BEGIN before its
// try/finally, so a BEGIN that fails (the connection lost just as it was checked out, as when the database restarts)
// never gives the client back, and once every client of the pool is lost so, every request waits for a connection
// forever. Here BEGIN runs inside, and a client whose BEGIN, COMMIT or ROLLBACK failed is discarded, not reused.
import { NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres/session'
import type { PgTransactionConfig } from 'drizzle-orm/pg-core'
import pg from 'pg'

interface SessionInternals {
  client: pg.Pool | pg.PoolClient | pg.Client
  dialect: ConstructorParameters<typeof NodePgSession>[1]
  schema: ConstructorParameters<typeof NodePgSession>[2]
  options: ConstructorParameters<typeof NodePgSession>[3]
}

type TransactionFn = (transaction: (tx: NodePgTransaction<any, any>) => Promise<unknown>, config?: PgTransactionConfig) => Promise<unknown>

const original = NodePgSession.prototype.transaction as unknown as TransactionFn

async function transaction (this: SessionInternals, run: (tx: NodePgTransaction<any, any>) => Promise<unknown>, config?: PgTransactionConfig): Promise<unknown> {
  // Transactions with options (isolation level, access mode) are not used here; they keep drizzle's own path.
  if (!(this.client instanceof pg.Pool) || config !== undefined) return await original.call(this, run, config)
  const client = await this.client.connect()
  const session = new NodePgSession(client, this.dialect, this.schema, this.options)
  const tx = new NodePgTransaction(this.dialect, session, this.schema)
  // Set when the connection itself failed: the client is then destroyed by release(error).
  let broken: Error | undefined
  // BEGIN, COMMIT and ROLLBACK go to the client as they are: nothing to build for every transaction.
  const control = async (statement: 'begin' | 'commit' | 'rollback') => {
    try {
      await client.query(statement)
    } catch (error) {
      broken = error as Error
      throw error
    }
  }
  try {
    // On a pipelined connection (the pool's `pipeline`), BEGIN is not waited for: it stays in the socket's buffer until
    // the transaction's first statement is written behind it, so the two go out in one write and BEGIN costs no round
    // trip of its own. Its outcome is still awaited before anything commits, and a failed BEGIN is the error thrown.
    const pipelined = client.pipeline
    const stream = (client as unknown as { connection: { stream: { cork: () => void, uncork: () => void } } }).connection.stream
    if (pipelined) {
      stream.cork()
      setImmediate(() => { stream.uncork() })
    }
    const begun = control('begin')
    begun.catch(() => undefined) // handled below, whenever it settles
    let result: unknown
    try {
      if (!pipelined) await begun
      result = await run(tx)
      await begun
    } catch (error) {
      const failedBegin = await begun.then(() => undefined, (beginError: unknown) => beginError)
      await control('rollback').catch(() => undefined)
      throw failedBegin ?? error
    }
    await control('commit')
    return result
  } finally {
    client.release(broken)
  }
}

let applied = false

/** Puts the corrected transaction() in place; idempotent. */
export function correctPgTransactions (): void {
  if (applied) return
  applied = true
  ;(NodePgSession.prototype as unknown as { transaction: typeof transaction }).transaction = transaction
}
