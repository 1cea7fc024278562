// Search normalization and the Vietnamese sort key, checked against Node's ICU collator.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { searchNormalize, vietnameseSortKey } from '../../server/domain/text.js'
import { fixturesDir } from '../../server/paths.js'

const collator = new Intl.Collator('vi')
const fixture = JSON.parse(readFileSync(join(fixturesDir, 'units', 'thanh-hoa-units.json'), 'utf8')) as { units: { name: string, aliases: string[] }[] }

const byKey = (names: string[]) => [...names].sort((a, b) => {
  const ka = vietnameseSortKey(a)
  const kb = vietnameseSortKey(b)
  return ka < kb ? -1 : ka > kb ? 1 : 0
})
const byCollator = (names: string[]) => [...names].sort(collator.compare)

t.test('searchNormalize lower-cases, strips Vietnamese diacritics and collapses whitespace', async (t) => {
  t.equal(searchNormalize('Huyện Đông Sơn'), 'huyen dong son')
  t.equal(searchNormalize('  THỊ XÃ   Nghi\tSƠN '), 'thi xa nghi son')
  t.equal(searchNormalize('Sở Lao động - Thương binh và Xã hội'), 'so lao dong - thuong binh va xa hoi')
  t.equal(searchNormalize('ĐƯỜNG đường'), 'duong duong')
  // Precomposed and decomposed spellings give the same search form.
  t.equal(searchNormalize('Hoằng Hóa'.normalize('NFD')), searchNormalize('Hoằng Hóa'.normalize('NFC')))
  t.equal(searchNormalize('ắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ'), 'aaaaaaaaaaeeeeeeeeeeiiiiiooooooooooooooouuuuuuuuuuyyyyy')
})

t.test('sorting the 47 fixture names by the key gives Intl.Collator(\'vi\') order', async (t) => {
  const names = fixture.units.map((unit) => unit.name)
  t.equal(names.length, 47)
  t.same(byKey(names), byCollator(names))
  const sorted = byKey(names)
  t.ok(sorted.indexOf('Sở Tư pháp') < sorted.indexOf('Văn phòng UBND tỉnh'), 'Sở Tư pháp before Văn phòng UBND tỉnh')
  t.ok(sorted.indexOf('Huyện Đông Sơn') > sorted.indexOf('Huyện Cẩm Thủy') && sorted.indexOf('Huyện Đông Sơn') < sorted.indexOf('Huyện Hà Trung'), 'Đ between C and H')
  t.ok(sorted.indexOf('Sở Giáo dục và Đào tạo') < sorted.indexOf('Sở Giao thông vận tải'), 'letters decide before tones')
})

t.test('sorting names and aliases together by the key gives Intl.Collator(\'vi\') order', async (t) => {
  const all = fixture.units.flatMap((unit) => [unit.name, ...unit.aliases])
  t.ok(all.length > 47)
  t.same(byKey(all), byCollator(all))
})

t.test('targeted cases follow Intl.Collator(\'vi\')', async (t) => {
  const cases: [string, string[]][] = [
    ['Đ comes after every D', ['Đông', 'Dương', 'Dung', 'Đa', 'Dz']],
    ['a, ă, â are letters of their own, in that order', ['Ân', 'Ăn', 'An', 'Anh', 'ăn', 'ân', 'an', 'AN']],
    ['tones: ngang, huyền, hỏi, ngã, sắc, nặng', ['mạ', 'má', 'mã', 'mả', 'mà', 'ma']],
    ['the tone of an earlier syllable decides first', ['ea', 'éa', 'eá', 'èa', 'ẹa', 'ếa', 'êa']],
    ['case counts only when all else is equal, lower case first', ['Sở Tư Pháp', 'sở tư pháp', 'Sở Tư pháp', 'Văn phòng UBND tỉnh']],
    ['o, ô, ơ and u, ư', ['ơ', 'ô', 'o', 'ư', 'u', 'ỗ', 'ợ', 'ự', 'ộ']],
    ['spaces and punctuation before digits before letters', ['a b', 'ab', 'a-b', 'a,b', 'a&b', 'a1', 'a  b', 'a b c']],
    ['a shorter name that is a prefix sorts first', ['Sở Y tế', 'Sở Y', 'Sở', 'Sở Y tế tỉnh']]
  ]
  for (const [label, names] of cases) t.same(byKey(names), byCollator(names), label)
  t.ok(vietnameseSortKey('Dương') < vietnameseSortKey('Đông'), 'Dương < Đông')
  t.ok(vietnameseSortKey('An') < vietnameseSortKey('Ăn') && vietnameseSortKey('Ăn') < vietnameseSortKey('Ân'), 'An < Ăn < Ân')
})

t.test('precomposed and decomposed spellings sort alike, and different names never share a key', async (t) => {
  const nfc = 'Huyện Thiệu Hóa'.normalize('NFC')
  const nfd = nfc.normalize('NFD')
  t.equal(vietnameseSortKey(nfc).split(' ').slice(0, 3).join(' '), vietnameseSortKey(nfd).split(' ').slice(0, 3).join(' '), 'equal at every collation level')
  t.not(vietnameseSortKey('Sở Tư pháp'), vietnameseSortKey('Sở Tư Pháp'))
  t.ok(vietnameseSortKey('Sở Tư pháp').endsWith('Sở Tư pháp'), 'the key ends with the name, the final tie-break')
})

t.test('generated Vietnamese-like names sort by the key as Intl.Collator(\'vi\') sorts them', async (t) => {
  // A fixed-seed generator, so a failure can be replayed.
  let seed = 20201231
  const next = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n }
  const letters = 'aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯBDHLNST -,&.019'
  const tones = ['', '\u0300', '\u0309', '\u0303', '\u0301', '\u0323']
  const vowels = /[aăâeêioôơuưyAĂÂÊÔƠ]/
  const names: string[] = []
  for (let i = 0; i < 3000; i++) {
    let name = ''
    const length = 1 + next(8)
    for (let j = 0; j < length; j++) {
      const letter = letters[next(letters.length)] as string
      name += vowels.test(letter) ? (letter + (tones[next(tones.length)] as string)).normalize('NFC') : letter
    }
    names.push(name)
  }
  const keyed = byKey(names)
  let misordered = 0
  for (let i = 1; i < keyed.length; i++) if (collator.compare(keyed[i - 1] as string, keyed[i] as string) > 0) misordered++
  t.equal(misordered, 0, 'no neighbours out of collator order')
})
