// Browser checks of the public results page (/ket-qua/), with no login: the published 2020 department results as a
// citizen meets them — the list of rounds, Bảng 1 and Bảng 2 equal to the public API, the charts, a unit's own page
// reached by a link and by its address, the downloads, a phone, print, and accessibility. Also `openPublicUnit`,
// which the whole-round check uses to read a unit's rank and class from the page.
import type { Page } from 'playwright-core'
import { assert, assertAccessible, horizontalOverflow, type BrowserChecks } from './checks.js'

interface PublicRow { rank: number, unit: { code: string, name: string }, appraised: { indexDisplay: string }, classification: { label: string } }

/** The cells of Bảng 1 as shown: rank, unit, self, appraised, index, class. */
async function tableOne (page: Page): Promise<string[][]> {
  return page.locator('[data-testid="results-table"] tbody tr').evaluateAll((rows) =>
    rows.map((row) => Array.from((row as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells, (cell) => (cell.textContent ?? '').trim())))
}

/** Opens a unit's page from the round's table (the address a visitor gets) and reads its rank and classification. */
export async function openPublicUnit (page: Page, baseUrl: string, roundCode: string, unitType: string, unitName: string): Promise<{ rank: string, classification: string }> {
  await page.goto(`${baseUrl}/ket-qua/${encodeURIComponent(roundCode)}/${encodeURIComponent(unitType)}`)
  await page.locator('[data-testid="results-table"]').getByRole('link', { name: unitName, exact: true }).click()
  await page.getByTestId('public-unit-name').filter({ hasText: unitName }).waitFor()
  const summary = page.getByTestId('unit-summary')
  const value = async (term: string) => (await summary.locator('div').filter({ has: page.locator('dt', { hasText: term }) }).locator('dd').innerText()).trim()
  return { rank: (await value('Hạng')).split(/\s/)[0] ?? '', classification: await value('Xếp loại') }
}

export async function publicChecks (c: BrowserChecks): Promise<void> {
  const rounds = await c.api<{ items: { id: string, code: string, year: number, results: { unitType: string }[] }[] }>('/public/rounds')
  const round = rounds.items.find((item) => item.year === 2020 && item.results.some((result) => result.unitType === 'department'))
  assert(round, 'the demo data has no published 2020 department results')
  const published = await c.api<{ items: PublicRow[], version: { number: number } }>(`/public/rounds/${round.id}/results/department?limit=1000`)
  const address = `${c.baseUrl}/ket-qua/${encodeURIComponent(round.code)}/department`
  const visitor = await c.newPage({ width: 1280, height: 900 })

  await c.check('public page: a visitor finds the published rounds and opens the 2020 departments without logging in', async () => {
    await visitor.goto(`${c.baseUrl}/ket-qua/`)
    await visitor.getByRole('heading', { level: 1, name: 'Kết quả Chỉ số cải cách hành chính' }).waitFor()
    // The banner names the province and its agency, from GET /public/rounds (the demo's configuration: Thanh Hóa).
    await visitor.getByRole('banner').getByText('Chỉ số cải cách hành chính tỉnh Thanh Hóa').waitFor()
    await visitor.getByRole('banner').getByText('Kết quả đã công bố · Sở Nội vụ tỉnh Thanh Hóa').waitFor()
    const card = visitor.getByTestId('published-rounds').locator('li.card').filter({ has: visitor.getByRole('heading', { name: 'Năm 2020' }) })
    await card.getByRole('link', { name: 'Sở, ban, ngành' }).click()
    await visitor.waitForURL(address)
    await visitor.locator('[data-testid="results-table"] tbody tr').nth(published.items.length - 1).waitFor()
    await assertAccessible(visitor, 'the public home and results')
  })

  await c.check('the site\'s address leads to the login, which names the province and leads to the public page and back', async () => {
    const stranger = await c.newPage({ width: 390, height: 844 })
    await stranger.goto(`${c.baseUrl}/`)
    await stranger.waitForURL(`${c.baseUrl}/admin/login**`)
    await stranger.getByRole('heading', { level: 1, name: 'Chỉ số cải cách hành chính tỉnh Thanh Hóa' }).waitFor()
    await stranger.getByText('Hệ thống chấm điểm của Sở Nội vụ tỉnh Thanh Hóa, các cơ quan, đơn vị và Tổ thẩm định').waitFor()
    await stranger.getByRole('link', { name: 'Xem kết quả Chỉ số CCHC đã công bố' }).click()
    await stranger.waitForURL(`${c.baseUrl}/ket-qua/`)
    await stranger.getByRole('heading', { level: 1, name: 'Kết quả Chỉ số cải cách hành chính' }).waitFor()
    await stranger.getByRole('link', { name: 'Đăng nhập (cán bộ)' }).click()
    await stranger.getByRole('heading', { name: 'Đăng nhập' }).waitFor()
    await stranger.close()
  })

  await c.check('public page: the first paint of a round\'s table, opened by its address, is under 1 s', async () => {
    const fresh = await c.newPage({ width: 1280, height: 900 })
    const times: number[] = []
    for (let run = 0; run < 3; run++) {
      const started = Date.now()
      await fresh.goto(address)
      await fresh.locator('[data-testid="results-table"] tbody tr').first().waitFor()
      times.push(Date.now() - started)
    }
    const paint = await fresh.evaluate('performance.getEntriesByType("paint").map((entry) => entry.name + " " + Math.round(entry.startTime)).join(", ")') as string
    console.log(`  public results table visible after ${times.join(' / ')} ms (cold / warm / warm); browser paints: ${paint}`)
    assert(Math.min(...times) < 1000, `the table took ${Math.min(...times)} ms at best`)
    await fresh.close()
  })

  await c.check('public page: Bảng 1 shows every unit with the API\'s rank, index and class, Bảng 2 the average row', async () => {
    const shown = await tableOne(visitor)
    assert(shown.length === published.items.length, `${shown.length} rows shown, ${published.items.length} published`)
    published.items.forEach((item, index) => {
      const row = shown[index] ?? []
      assert(row[0] === String(item.rank), `row ${index + 1}: rank ${row[0]}, API ${item.rank}`)
      assert(row[1] === item.unit.name, `row ${index + 1}: unit ${row[1]}, API ${item.unit.name}`)
      assert(row[4] === item.appraised.indexDisplay.replace('.', ','), `${item.unit.name}: index ${row[4]}, API ${item.appraised.indexDisplay}`)
      assert(row[5] === item.classification.label, `${item.unit.name}: class ${row[5]}, API ${item.classification.label}`)
    })
    await visitor.getByTestId('average-row').waitFor()
    assert((await visitor.getByTestId('public-version').innerText()).includes(`Phiên bản ${published.version.number}`), 'the version is not named')
    const images = visitor.locator('img.chart')
    assert(await images.count() >= 3, 'the charts are missing')
    await images.first().scrollIntoViewIfNeeded()
    await c.waitUntil('the index chart is drawn', async () => await images.first().evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth) > 1000)
    await c.screenshot('public-01-results', false, visitor)
  })

  await c.check('public page: a unit\'s page by the table\'s link and by its own address says the API\'s rank and class', async () => {
    const third = published.items[2]
    assert(third, 'fewer than three units')
    const shown = await openPublicUnit(visitor, c.baseUrl, round.code, 'department', third.unit.name)
    assert(shown.rank === String(third.rank), `rank ${shown.rank}, API ${third.rank}`)
    assert(shown.classification === third.classification.label, `class ${shown.classification}, API ${third.classification.label}`)
    assert(visitor.url().endsWith(`/ket-qua/${encodeURIComponent(round.code)}/department/${encodeURIComponent(third.unit.code)}`), `the address is ${visitor.url()}`)
    const rows = await visitor.locator('[data-testid="unit-fields"] tbody tr').count()
    assert(rows >= 6, `${rows} fields on the unit's page`)
    // Each field names its row for a screen reader, and looks like the cells beside it.
    const heads = visitor.locator('[data-testid="unit-fields"] tbody tr > th[scope="row"]:first-child')
    assert(await heads.count() === rows, `${await heads.count()} of ${rows} rows start with a row header`)
    // (No function declared inside: the test's compiler would name it with a helper the page does not have.)
    const looks = await heads.first().evaluate((cell) => {
      const view = (cell as unknown as { ownerDocument: { defaultView: { getComputedStyle: (element: unknown) => Record<string, string> } } }).ownerDocument.defaultView
      const head = view.getComputedStyle(cell)
      const next = view.getComputedStyle((cell as unknown as { nextElementSibling: unknown }).nextElementSibling)
      return [head.textTransform, head.fontSize === next.fontSize, head.fontWeight === next.fontWeight]
    })
    assert(JSON.stringify(looks) === JSON.stringify(['none', true, true]), `the field's row header is styled as a column header: ${JSON.stringify(looks)}`)
    await visitor.reload()
    await visitor.getByTestId('public-unit-name').filter({ hasText: third.unit.name }).waitFor()
    await assertAccessible(visitor, 'a unit\'s public page')
    await c.screenshot('public-02-unit', false, visitor)
  })

  await c.check('public page: the CSV and Excel links download the published version', async () => {
    await visitor.goto(address)
    for (const [label, type] of [['Tải CSV', 'text/csv'], ['Tải Excel', 'spreadsheetml'], ['Tải CSV cho Excel tiếng Việt (dấu ;)', 'text/csv']] as const) {
      const href = await visitor.getByRole('link', { name: label, exact: true }).getAttribute('href')
      assert(href !== null && href.includes(`version=${published.version.number}`), `${label} links to ${String(href)}`)
      const response = await fetch(new URL(href, c.baseUrl))
      assert(response.ok && (response.headers.get('content-type') ?? '').includes(type), `${label}: ${response.status} ${response.headers.get('content-type')}`)
      if (type === 'text/csv') assert((await response.text()).includes(published.items[0]?.unit.name ?? '?'), 'the CSV lacks the first unit')
    }
  })

  await c.check('public page: on a phone (390×844) nothing scrolls sideways and the pages pass axe', async () => {
    const phone = await c.newPage({ width: 390, height: 844 })
    for (const url of [`${c.baseUrl}/ket-qua/`, address, `${address}/${encodeURIComponent(published.items[0]?.unit.code ?? '')}`]) {
      await phone.goto(url)
      await phone.locator('h1').first().waitFor()
      await phone.waitForLoadState('networkidle')
      const overflow = await horizontalOverflow(phone)
      assert(overflow <= 0, `${url} scrolls ${overflow} px sideways`)
      await assertAccessible(phone, url)
    }
    await phone.goto(address)
    await phone.locator('[data-testid="results-table"] tbody tr').first().waitFor()
    await c.screenshot('public-03-phone', false, phone)
    // The charts drawn for a phone's screen (each name above its bar), not the report's wide image scaled down.
    const chart = phone.getByTestId('index-chart-part').first()
    await chart.scrollIntoViewIfNeeded()
    const image = () => chart.evaluate((element) => {
      const img = element as unknown as { currentSrc: string, naturalWidth: number }
      return { src: img.currentSrc, width: img.naturalWidth }
    })
    await c.waitUntil('the index chart is loaded on the phone', async () => (await image()).width > 0)
    const shown = await image()
    assert(shown.src.includes('layout=narrow') && shown.width === 720, `the phone shows ${JSON.stringify(shown)}`)
    await phone.close()
  })

  await c.check('public page: printed, it drops the banner and buttons and puts Bảng 2 on a landscape page', async () => {
    await visitor.goto(address)
    await visitor.locator('[data-testid="results-table"] tbody tr').first().waitFor()
    await visitor.emulateMedia({ media: 'print' })
    try {
      const hidden = await visitor.evaluate(`[".public-banner", ".tabs", "a.btn"].map((selector) => {
        const element = document.querySelector(selector); return element === null || !element.checkVisibility() })`) as boolean[]
      assert(hidden.every(Boolean), `shown in print: ${JSON.stringify(hidden)}`)
      const page = await visitor.evaluate('getComputedStyle(document.querySelector("section.landscape")).page') as string
      assert(page === 'wide', `Bảng 2 prints on the page "${page}"`)
      const pdf = await visitor.pdf({ preferCSSPageSize: true, printBackground: true })
      const text = pdf.toString('latin1')
      const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((match) => Number(match[1]) > Number(match[2]) ? 'landscape' : 'portrait')
      console.log(`  printed: ${boxes.length} A4 pages (${boxes.filter((box) => box === 'landscape').length} landscape)`)
      assert(boxes.includes('landscape') && boxes.includes('portrait'), `the printed pages are ${boxes.join(', ')}`)
    } finally {
      await visitor.emulateMedia({ media: 'screen' })
    }
  })

  await c.check('public page: an unpublished round or a wrong address says so in Vietnamese', async () => {
    await visitor.goto(`${c.baseUrl}/ket-qua/KHONG-CO/department`)
    await visitor.getByRole('heading', { level: 1, name: 'Chưa có kết quả' }).waitFor()
    // The unit type by the name a published round gives it, never its code.
    await visitor.getByTestId('public-not-published').filter({ hasText: 'chưa công bố kết quả của Sở, ban, ngành cấp tỉnh' }).waitFor()
    await c.allowConsoleError(/status of 404/, async () => {
      await visitor.goto(`${c.baseUrl}/ket-qua/${encodeURIComponent(round.code)}/department/KHONG-CO`)
      await visitor.getByRole('alert').waitFor()
    })
    await visitor.goto(`${c.baseUrl}/ket-qua/a/b/c/d`)
    await visitor.getByRole('heading', { level: 1, name: 'Không tìm thấy trang' }).waitFor()
  })
  await visitor.close()
}
