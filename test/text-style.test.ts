// One tone-mark style in all Vietnamese text, the report's ("Thanh Hóa", "hiện đại hóa", "thủy"): in an open syllable
// oa, oe and uy carry the mark on their first vowel. A stray "hoá" or "thuỷ" in code, fixtures or docs fails here.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import t from 'tap'

// o + marked a/e, or u + marked y, not after q (quý is right in both styles) and not followed by a letter (hoàn is right).
const NEW_STYLE = /(?<![qQ])(?:[oO][áàảãạéèẻẽẹ]|[uU][ýỳỷỹỵ])(?![\p{L}])/u
const TEXT = /\.(ts|vue|json|md|html|css|csv|txt)$/

t.test('Vietnamese text uses the report\'s tone-mark style', async (t) => {
  const root = new URL('..', import.meta.url)
  const files = execFileSync('git', ['ls-files', 'server', 'admin/src', 'admin/ket-qua', 'fixtures', 'docs', 'README.md', 'openapi'], { cwd: root, encoding: 'utf8' })
    .split('\n').filter((file) => TEXT.test(file))
  t.ok(files.length > 50, `${files.length} files are read`)
  const found: string[] = []
  for (const file of files) {
    const lines = readFileSync(new URL(file, root), 'utf8').split('\n')
    lines.forEach((line, index) => {
      const match = NEW_STYLE.exec(line)
      if (match) found.push(`${file}:${index + 1}: …${line.slice(Math.max(0, match.index - 12), match.index + 4)}…`)
    })
  }
  t.same(found, [], 'no syllable is written in the other style')
  t.ok(NEW_STYLE.test('hiện đại hoá'), 'the check finds the other style')
  t.notOk(NEW_STYLE.test('Thanh Hóa, hoàn thành, quý, thủy'), 'and leaves the report\'s alone')
})
