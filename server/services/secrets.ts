// Password hashing (argon2id) and high-entropy secrets (tokens, API keys) stored only as SHA-256 digests.
import { createHash, randomBytes } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'

export const hashPassword = (password: string): Promise<string> => hash(password)

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
  decoy ??= hash(randomBytes(16).toString('hex'))
  return decoy
}

export const newSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url')

export const digest = (secret: string): string => createHash('sha256').update(secret).digest('hex')

export const randomPassword = (): string => randomBytes(12).toString('base64url')
