// Uploaded file names: made safe without losing Vietnamese, and sent back in a correct Content-Disposition header.
import t from 'tap'
import { asciiFilename, contentDisposition, sanitizeFilename } from '../../server/storage/filename.js'

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8')

/** The decoded value of the `filename*` parameter of a Content-Disposition header. */
function extendedFilename (header: string): string | undefined {
  const encoded = /filename\*=UTF-8''([^;\s]+)/.exec(header)?.[1]
  return encoded === undefined ? undefined : decodeURIComponent(encoded)
}

t.test('a Vietnamese name is kept as it is', async (t) => {
  t.equal(sanitizeFilename('Báo cáo CCHC năm 2020.pdf'), 'Báo cáo CCHC năm 2020.pdf')
  t.equal(sanitizeFilename('Quyết định số 123/QĐ-UBND.docx'), 'QĐ-UBND.docx', 'a slash is a directory separator, whatever the user meant')
  t.equal(sanitizeFilename('Kế hoạch (sửa đổi) – Sở Nội vụ.xlsx'), 'Kế hoạch (sửa đổi) – Sở Nội vụ.xlsx')
})

t.test('names are normalised to NFC, so the same name is always the same string', async (t) => {
  const decomposed = 'Ba\u0301o ca\u0301o ta\u0300i lie\u0323\u0302u.pdf'
  t.equal(sanitizeFilename(decomposed), 'Báo cáo tài liệu.pdf')
  t.equal(sanitizeFilename(decomposed), sanitizeFilename(decomposed.normalize('NFC')))
})

t.test('directory parts are stripped, whichever separator and however absolute', async (t) => {
  t.equal(sanitizeFilename('../../etc/passwd'), 'passwd')
  t.equal(sanitizeFilename('..\\..\\boot.ini'), 'boot.ini')
  t.equal(sanitizeFilename('/etc/shadow'), 'shadow')
  t.equal(sanitizeFilename('C:\\Users\\CanBo\\Desktop\\Báo cáo.pdf'), 'Báo cáo.pdf')
  t.equal(sanitizeFilename('\\\\server\\share\\bien-ban.doc'), 'bien-ban.doc')
  t.equal(sanitizeFilename('..'), 'tai-lieu')
  t.equal(sanitizeFilename('../'), 'tai-lieu')
})

t.test('control characters are stripped', async (t) => {
  t.equal(sanitizeFilename('bao\u0000cao\u0007\u001F\u007F\u0085\u009F.pdf'), 'baocao.pdf')
  t.equal(sanitizeFilename('bao-cao.pdf\u0000.exe'), 'bao-cao.pdf.exe', 'a NUL cannot hide the real extension from the file system')
  t.equal(sanitizeFilename('hai\r\ndong.pdf'), 'haidong.pdf', 'no header injection through a line break')
})

t.test('bidi overrides that disguise an extension are stripped', async (t) => {
  t.equal(sanitizeFilename('hoa-don\u202Efdp.exe'), 'hoa-donfdp.exe')
  for (const mark of ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069']) {
    t.equal(sanitizeFilename(`a${mark}b.pdf`), 'ab.pdf', `U+${mark.codePointAt(0)?.toString(16).toUpperCase()}`)
  }
})

t.test('characters Windows forbids are stripped', async (t) => {
  t.equal(sanitizeFilename('a<b>c:d"e|f?g*h.pdf'), 'abcdefgh.pdf')
  t.equal(sanitizeFilename('<>.pdf'), 'tai-lieu.pdf', 'a name reduced to its extension keeps it')
})

t.test('leading dots and trailing dots and spaces go; whitespace collapses', async (t) => {
  t.equal(sanitizeFilename('.htaccess'), 'htaccess')
  t.equal(sanitizeFilename('...bao-cao.pdf'), 'bao-cao.pdf')
  t.equal(sanitizeFilename('bao-cao.pdf. . .  '), 'bao-cao.pdf')
  t.equal(sanitizeFilename('  Báo   cáo\t\n năm\u00A02020 .pdf'), 'Báo cáo năm 2020 .pdf')
})

t.test('reserved Windows device names are defused', async (t) => {
  t.equal(sanitizeFilename('CON.pdf'), '_CON.pdf')
  t.equal(sanitizeFilename('lpt1'), '_lpt1')
  t.equal(sanitizeFilename('CONSOLE.pdf'), 'CONSOLE.pdf')
})

t.test('names are cut to 180 bytes of UTF-8 on a character boundary, keeping the extension', async (t) => {
  const long = `${'Tài liệu kiểm chứng tiêu chí 1.1 '.repeat(12)}.pdf`
  const cut = sanitizeFilename(long)
  t.ok(utf8Bytes(cut) <= 180, `${utf8Bytes(cut)} bytes`)
  t.ok(cut.endsWith('.pdf'))
  t.equal(Buffer.from(cut, 'utf8').toString('utf8'), cut, 'no broken character')
  t.ok(long.startsWith(cut.slice(0, -4)))

  const accents = 'ệ'.repeat(100) // three bytes each
  const kept = sanitizeFilename(accents)
  t.equal(kept, 'ệ'.repeat(60))
  const combining = 'e\u0323\u0302\u0300'.repeat(100) // a grapheme with no precomposed form: NFC keeps combining marks
  const graphemes = sanitizeFilename(combining)
  t.ok(utf8Bytes(graphemes) <= 180)
  t.ok(combining.normalize('NFC').startsWith(graphemes))
  t.equal([...new Intl.Segmenter('vi', { granularity: 'grapheme' }).segment(graphemes)].every(({ segment }) => segment.length > 1), true, 'no mark cut off its letter')
})

t.test('nothing left means tai-lieu', async (t) => {
  for (const name of ['', '   ', '...', '\u202E', '<>:"|?*', '\u0000\u0001', '/']) {
    t.equal(sanitizeFilename(name), 'tai-lieu', JSON.stringify(name))
  }
})

t.test('lone surrogates, which cannot be encoded in UTF-8, are dropped', async (t) => {
  t.equal(sanitizeFilename('bao\uD800cao.pdf'), 'baocao.pdf')
  t.equal(sanitizeFilename('ảnh 📷.png'), 'ảnh 📷.png')
})

t.test('sanitizing twice changes nothing', async (t) => {
  for (const name of ['../../etc/passwd', '  .Báo  cáo..', '<>.pdf', 'CON', `${'Đánh giá '.repeat(40)}.docx`, 'a\u202Eb']) {
    const once = sanitizeFilename(name)
    t.equal(sanitizeFilename(once), once, JSON.stringify(name))
  }
})

t.test('the Content-Disposition of a Vietnamese name carries an ASCII fallback and the exact name', async (t) => {
  const name = 'Báo cáo CCHC năm 2020.pdf'
  const header = contentDisposition(name, 'attachment')
  t.match(header, /^attachment; filename="Bao cao CCHC nam 2020\.pdf"; filename\*=UTF-8''/)
  t.equal(extendedFilename(header), name)
  t.match(header, /^[\x20-\x7E]*$/, 'the header is plain ASCII')
})

t.test('đ and Đ, which do not decompose, still get an ASCII fallback', async (t) => {
  t.equal(asciiFilename('Đề án đổi mới.docx'), 'De an doi moi.docx')
  const header = contentDisposition('Đề án đổi mới.docx', 'inline')
  t.match(header, /^inline; filename="De an doi moi\.docx"; /)
  t.equal(extendedFilename(header), 'Đề án đổi mới.docx')
})

t.test("characters outside RFC 5987's attr-char are percent-encoded and decode back", async (t) => {
  const name = "Kế hoạch (sửa đổi) của Sở's 100% #1.pdf"
  const header = contentDisposition(name)
  const encoded = /filename\*=UTF-8''(\S+)$/.exec(header)?.[1] ?? ''
  t.match(encoded, /^[A-Za-z0-9!#$&+\-.^_`|~%]+$/, 'only attr-char and escapes')
  t.match(encoded, /%28.*%29.*%27/)
  t.equal(extendedFilename(header), name)
  t.notMatch(/filename="([^"]*)"/.exec(header)?.[1] ?? '', /%/, 'no % in the fallback, which some clients would decode')
})

t.test('the name is sanitized before it goes into the header', async (t) => {
  const header = contentDisposition('../../"evil"\r\nSet-Cookie: a=b.pdf')
  t.notMatch(header, /[\r\n]/)
  t.equal(extendedFilename(header), 'evilSet-Cookie a=b.pdf')
  t.match(header, /filename="evilSet-Cookie a=b\.pdf"/)
  t.equal(extendedFilename(contentDisposition('')), 'tai-lieu')
})

t.test('the ASCII fallback drops diacritics and stands in _ for other letters', async (t) => {
  t.equal(asciiFilename('Ảnh "chụp"\\1.png'), 'Anh "chup"\\1.png')
  t.equal(asciiFilename('文件.pdf'), '__.pdf')
  t.equal(asciiFilename('文件'), '__')
  t.equal(asciiFilename(''), 'tai-lieu')
})
