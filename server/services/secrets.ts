// Password hashing (argon2id) and high-entropy secrets (tokens, API keys) stored only as SHA-256 digests.
import { createHash, randomBytes } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'

/** The cost of new password hashes (argon2id): the library's defaults (19 MiB, 2 passes) unless the operator sets them. */
export interface HashCost { memoryKib: number, iterations: number }
let cost: HashCost = { memoryKib: 19456, iterations: 2 }

/**
 * Sets the cost of hashes made from now on (PASSWORD_HASH_MEMORY_KIB, PASSWORD_HASH_ITERATIONS); existing hashes keep
 * theirs, which each hash records, so verification is unaffected.
 */
export function setHashCost (next: HashCost): void {
  if (next.memoryKib !== cost.memoryKib || next.iterations !== cost.iterations) decoy = undefined
  cost = next
}

export const hashPassword = (password: string): Promise<string> => hash(password, { memoryCost: cost.memoryKib, timeCost: cost.iterations })

export async function verifyPassword (passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

// A hash of a fixed password, verified when the username is unknown so both paths cost the same.
let decoy: Promise<string> | undefined
export function decoyHash (): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'))
  return decoy
}

export const newSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url')

export const digest = (secret: string): string => createHash('sha256').update(secret).digest('hex')

export const randomPassword = (): string => randomBytes(12).toString('base64url')
