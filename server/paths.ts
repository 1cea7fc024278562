// Locates files shipped with the project (migrations, fixtures, admin build) from source (tsx) and from dist alike.
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

function findRoot (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'migrations'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error('Cannot find the project root (package.json beside migrations/)')
    dir = parent
  }
  return dir
}

export const projectRoot = findRoot()
export const migrationsDir = join(projectRoot, 'migrations')
export const fixturesDir = join(projectRoot, 'fixtures')
export const adminDistDir = join(projectRoot, 'admin', 'dist')
export const resolveFromRoot = (path: string): string => resolve(projectRoot, path)
