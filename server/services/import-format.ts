// The service's own interchange files name their format (`format`): a file of another of them, given to an import (the
// units file to the catalog import, say), is said in one sentence rather than as every field it lacks.
import { Text, text as t } from '../messages/text.js'

const FORMAT_NAMES: Record<string, Text> = {
  'par-catalog/1': t('a catalog', 'bộ tiêu chí'),
  'par-units/1': t('a list of units', 'danh sách đơn vị'),
  'par-backup/1': t('a backup of the service', 'bản sao lưu của hệ thống')
}

/**
 * Why a document is not of the `expected` format when it is one of the service's other files (another format, say
 * a later version, is checked field by field as usual); null otherwise.
 */
export function otherFormat (document: unknown, expected: 'par-catalog/1' | 'par-units/1'): Text | null {
  const format = typeof document === 'object' && document !== null ? (document as { format?: unknown }).format : undefined
  const given = typeof format === 'string' && format !== expected ? FORMAT_NAMES[format] : undefined
  if (given === undefined) return null
  const wanted = FORMAT_NAMES[expected] as Text
  return t(`This file is ${given.en} (${String(format)}), not ${wanted.en} (${expected}).`, `Tệp này là ${given.vi} (${String(format)}), không phải ${wanted.vi} (${expected}).`)
}
