// The one zip guard of the service, on an archive in memory (an imported workbook): a real document passes; too many
// entries, a directory that declares a zip bomb, and one that hides it behind sizes too small are refused.
import t from 'tap'
import { MAX_ENTRIES, zipRefusal } from '../../server/storage/zip-limits.js'
import { samples, zip } from './samples.js'

const MiB = 1024 * 1024

t.test('a real document keeps the bounds; bytes that are no zip are left to the reader that expects one', async (t) => {
  t.equal(await zipRefusal(samples.xlsx()), undefined)
  t.equal(await zipRefusal(Buffer.from('not a zip')), undefined)
})

t.test('a zip bomb is refused from its directory, and one whose directory under-declares its sizes once inflation passes them', async (t) => {
  const bomb = zip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(20 * MiB, 0x20), deflate: true }])
  t.match((await zipRefusal(bomb))?.en, /zip bomb/)
  t.match((await zipRefusal(bomb))?.vi, /^bom giải nén/)

  // The same entry declaring 1 KiB in its local header and in the central directory: the directory passes, inflation does not.
  const liar = Buffer.from(bomb)
  liar.writeUInt32LE(1024, 22)
  const central = liar.indexOf(Buffer.from([0x50, 0x4B, 0x01, 0x02]))
  liar.writeUInt32LE(1024, central + 24)
  t.match((await zipRefusal(liar))?.en, /zip bomb/)
})

t.test('an archive of more entries than a document has is refused', async (t) => {
  const many = zip(Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => ({ name: `e${i}.txt`, data: 'x' })))
  t.match((await zipRefusal(many))?.en, new RegExp(`an archive of ${MAX_ENTRIES + 1} entries`))
})
