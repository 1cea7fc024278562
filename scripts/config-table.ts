// `npm run openapi` also writes README's table of settings from the config schema (server/config.ts), between the
// config-table markers; `--check` fails when the committed README differs, so the table never drifts from the code.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigSchema } from '../server/config.js'
import { projectRoot } from '../server/paths.js'

const START = '<!-- config-table:start (generated from server/config.ts by `npm run openapi`) -->'
const END = '<!-- config-table:end -->'

interface Property { default?: unknown, description?: string, enum?: unknown[], minimum?: number, maximum?: number }

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
const shown = (value: unknown) => value === undefined ? 'unset' : value === '' ? 'empty' : `\`${String(value)}\``

export function configTable (): string {
  const required = new Set((ConfigSchema as unknown as { required?: string[] }).required ?? [])
  const rows = Object.entries(ConfigSchema.properties as Record<string, Property>).map(([name, property]) => {
    const values = property.enum ? ` One of ${property.enum.map((value) => `\`${String(value)}\``).join(', ')}.` : ''
    const fallback = property.default === undefined && required.has(name) ? 'required' : shown(property.default)
    return `| \`${name}\` | ${fallback} | ${cell(property.description ?? '')}.${values} |`.replace(/\.\.( |\s\|)/g, '.$1')
  })
  return [START, '| Variable | Default | Meaning |', '|---|---|---|', ...rows, END].join('\n')
}

const readmePath = join(projectRoot, 'README.md')
const readme = readFileSync(readmePath, 'utf8')
const start = readme.indexOf(START)
const end = readme.indexOf(END)
if (start < 0 || end < start) {
  console.error(`README.md has no ${START} … ${END} block`)
  process.exit(1)
}
const updated = readme.slice(0, start) + configTable() + readme.slice(end + END.length)
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('README.md\'s table of settings is out of date: run `npm run openapi` and commit the result.')
    process.exit(1)
  }
  console.log('README.md\'s table of settings is up to date.')
} else if (updated !== readme) {
  writeFileSync(readmePath, updated)
  console.log('Wrote the table of settings in README.md')
}
