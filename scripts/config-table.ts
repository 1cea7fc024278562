// `npm run openapi` also writes README's table of settings from the config schema (server/config.ts) and its list of
// error codes from server/errors.ts, each between its markers; `--check` fails when the committed README differs, so
// neither drifts from the code.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigSchema } from '../server/config.js'
import { errorCodes } from '../server/errors.js'
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

const ERRORS_START = '<!-- error-codes:start (generated from server/errors.ts by `npm run openapi`) -->'
const ERRORS_END = '<!-- error-codes:end -->'

export function errorTable (): string {
  const rows = errorCodes().map(({ code, status, title }) => `| \`${code}\` | ${status} | ${cell(title.en)} | ${cell(title.vi)} |`)
  return [ERRORS_START, '| Code | Status | Title (en) | Title (vi) |', '|---|---|---|---|', ...rows, ERRORS_END].join('\n')
}

const readmePath = join(projectRoot, 'README.md')
const readme = readFileSync(readmePath, 'utf8')
let updated = readme
for (const [startMarker, endMarker, make] of [[START, END, configTable], [ERRORS_START, ERRORS_END, errorTable]] as const) {
  const start = updated.indexOf(startMarker)
  const end = updated.indexOf(endMarker)
  if (start < 0 || end < start) {
    console.error(`README.md has no ${startMarker} … ${endMarker} block`)
    process.exit(1)
  }
  updated = updated.slice(0, start) + make() + updated.slice(end + endMarker.length)
}
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('README.md\'s table of settings or list of error codes is out of date: run `npm run openapi` and commit the result.')
    process.exit(1)
  }
  console.log('README.md\'s table of settings and list of error codes are up to date.')
} else if (updated !== readme) {
  writeFileSync(readmePath, updated)
  console.log('Wrote the table of settings and the list of error codes in README.md')
}
