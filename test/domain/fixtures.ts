// Loads the 2020 Thanh Hóa reference data for domain tests; the only file access the domain tests need.
import { readFileSync } from 'node:fs'
import type { CatalogDocument } from '../../server/domain/catalog.js'

const fixturesDirectory = new URL('../../fixtures/', import.meta.url)

export const DEPARTMENT_CATALOG = 'thanh-hoa-2020-so-nganh.json'
export const DISTRICT_CATALOG = 'thanh-hoa-2020-huyen.json'

export function readFixture (relativePath: string): string {
  return readFileSync(new URL(relativePath, fixturesDirectory), 'utf8')
}

export function loadCatalog (fileName: string): CatalogDocument {
  return JSON.parse(readFixture(`catalogs/${fileName}`)) as CatalogDocument
}

export interface UnitFixture {
  code: string
  name: string
  unitType: string
  aliases: string[]
}

export function loadUnits (): UnitFixture[] {
  return (JSON.parse(readFixture('units/thanh-hoa-units.json')) as { units: UnitFixture[] }).units
}

// Enough CSV for the results fixture: comma-separated, double-quoted fields may hold commas and doubled quotes.
export function parseCsv (text: string): Record<string, string>[] {
  const rows: string[][] = []
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue
    const cells: string[] = []
    let cell = ''
    let quoted = false
    for (let i = 0; i < line.length; i++) {
      const char = line[i]
      if (quoted && char === '"' && line[i + 1] === '"') {
        cell += '"'
        i++
      } else if (char === '"') {
        quoted = !quoted
      } else if (char === ',' && !quoted) {
        cells.push(cell)
        cell = ''
      } else {
        cell += char
      }
    }
    cells.push(cell)
    rows.push(cells)
  }
  const [header, ...body] = rows
  if (header === undefined) return []
  return body.map((cells) => {
    if (cells.length !== header.length) throw new Error(`CSV row has ${cells.length} cells, header has ${header.length}: ${cells.join('|')}`)
    return Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']))
  })
}
