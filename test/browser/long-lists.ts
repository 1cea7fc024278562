// Browser checks of a round too large for one page (120 units): the appraisal desk, the progress screen and the results'
// two tables draw 100 units at a time, count every unit, keep the page in the address (the desk and the progress
// screen), and a unit's previous and next run through the whole filtered list; printed, the results list every unit. Run last: the units and the round it adds would change what the earlier checks count.
import type { Locator } from 'playwright-core'
import { assert, roundOpenUntilTomorrow, type BrowserChecks } from './checks.js'

const UNITS = 120
const ROUND_CODE = 'KY-DAI'
const code = (i: number) => `DV-THU-${String(i).padStart(3, '0')}`

export async function longListChecks (c: BrowserChecks): Promise<void> {
  const { page, check, waitUntil } = c
  let roundId = ''
  const deskRows = page.locator('[data-testid="desk-table"] tbody tr')
  const summary = page.getByTestId('pagination-summary')

  await check('long lists set-up: a round of 120 department units in self-assessment (API)', async () => {
    const { token } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: 'admin', password: c.adminPassword } })
    const as = <T>(path: string, method: string, body?: unknown) => c.api<T>(path, { method, token, body })
    await as('/units/import', 'POST', {
      format: 'par-units/1',
      province: 'Thanh Hóa',
      units: Array.from({ length: UNITS }, (_, i) => ({ code: code(i + 1), name: `Đơn vị thử ${String(i + 1).padStart(3, '0')}`, unitType: 'department', aliases: [] }))
    })
    const ids = (await as<{ items: { id: string, code: string }[] }>('/units?limit=500&offset=0&q=DV-THU', 'GET')).items.map((unit) => unit.id)
    assert(ids.length === UNITS, `${ids.length} test units found`)
    const round = await as<{ id: string, year: number }>('/rounds', 'POST', roundOpenUntilTomorrow(ROUND_CODE, 'Kỳ thử nhiều đơn vị'))
    const catalog = (await as<{ items: { id: string }[] }>(`/catalogs?code=TH-${round.year}-SO&limit=1&offset=0`, 'GET')).items[0]
    assert(catalog, `the demo catalog TH-${round.year}-SO is missing`)
    roundId = round.id
    await as(`/rounds/${roundId}/catalogs`, 'PUT', { catalogs: [{ unitType: 'department', catalogId: catalog.id }] })
    await as(`/rounds/${roundId}/participants`, 'POST', { unitIds: ids })
    await as(`/rounds/${roundId}/transition`, 'POST', { to: 'self_assessment' })
    await as('/auth/logout', 'POST')
  })

  await check('the desk draws 100 of the 120 units, pages on, and comes back to the same page from a unit', async () => {
    await page.goto(`${c.baseUrl}/admin/appraisal?round=${roundId}`)
    await waitUntil('the first page of 100 units', async () => await deskRows.count() === 100)
    assert(await page.getByTestId('desk-units').innerText() === '120', 'the tile does not count every unit')
    assert(await summary.innerText() === 'Hiển thị 1–100 / 120 đơn vị', `the page says "${await summary.innerText()}"`)
    await page.getByRole('button', { name: 'Sau ›' }).click()
    await waitUntil('the second page of 20 units', async () => await deskRows.count() === 20)
    assert((await deskRows.first().innerText()).includes('Đơn vị thử 101'), 'the second page does not start at the 101st unit')
    assert(new URL(page.url()).searchParams.get('from') === '100', `the address is ${page.url()}`)
    await deskRows.first().getByRole('link').click()
    await page.getByRole('heading', { level: 1, name: 'Đơn vị thử 101' }).waitFor()
    await waitUntil('the unit is the 101st of the whole list', async () => await page.getByTestId('unit-position').innerText() === '101 / 120')
    assert((await page.getByTestId('unit-previous').innerText()).includes('Đơn vị thử 100'), 'the previous unit is not the last of the first page')
    await page.getByRole('link', { name: '← Bàn thẩm định' }).click()
    await waitUntil('back on the second page', async () => await deskRows.count() === 20 && await summary.innerText() === 'Hiển thị 101–120 / 120 đơn vị')
    // A filter starts again from the first page of what it finds.
    await page.getByLabel('Tìm đơn vị').fill('thu 11')
    await waitUntil('the ten units 110-119 on one page', async () => await deskRows.count() === 10)
    assert(await summary.count() === 0, 'a list of one page still shows the pages')
    assert(new URL(page.url()).searchParams.get('from') === null, `the address still names a page: ${page.url()}`)
  })

  await check('the progress screen draws 100 of the 120 units and pages on, the page and the filters in the address; its tiles count every unit', async () => {
    await page.goto(`${c.baseUrl}/admin/rounds/${roundId}/progress`)
    const rows = c.rows('progress-table')
    await waitUntil('the first page of 100 units', async () => await rows.count() === 100)
    assert(await page.getByTestId('progress-submitted').innerText() === '0 / 120', 'the tile does not count every unit')
    await page.getByRole('button', { name: 'Sau ›' }).click()
    await waitUntil('the second page of 20 units', async () => await rows.count() === 20 && await summary.innerText() === 'Hiển thị 101–120 / 120 đơn vị')
    // The page is in the address: a reload (or the way back from a unit) shows it again.
    await waitUntil('the address names the page', async () => new URL(page.url()).searchParams.get('from') === '100')
    await page.reload()
    await waitUntil('the second page again after a reload', async () => await rows.count() === 20 && await summary.innerText() === 'Hiển thị 101–120 / 120 đơn vị')
    await page.getByLabel('Tìm đơn vị').fill('thu 005')
    await waitUntil('a search shows its one unit', async () => await rows.count() === 1)
    await waitUntil('the address has the search, not the page', async () => {
      const query = new URL(page.url()).searchParams
      return query.get('q') === 'thu 005' && query.get('from') === null
    })
    await page.reload()
    await waitUntil('the search survives a reload', async () => await rows.count() === 1 && await page.getByLabel('Tìm đơn vị').inputValue() === 'thu 005')
  })

  await check('the results screen draws Bảng 1 and Bảng 2 100 units at a time, finds a unit by name, prints every unit, and draws the charts when reached', async () => {
    await page.goto(`${c.baseUrl}/admin/results?round=${roundId}&unitType=department&version=provisional`)
    const table1 = c.rows('results-table')
    const table2 = c.rows('results-field-table')
    await waitUntil('both tables on their first page of 100', async () => await table1.count() === 100 && await table2.count() === 100)
    const bar1 = page.locator('#results-table-1 + .pagination')
    assert(await bar1.getByTestId('pagination-summary').innerText() === 'Hiển thị 1–100 / 120 đơn vị', `Bảng 1's pages say "${await bar1.innerText()}"`)
    await bar1.getByRole('button', { name: 'Sau ›' }).click()
    await waitUntil('Bảng 1 on its second page of 20, Bảng 2 still on its first', async () => await table1.count() === 20 && await table2.count() === 100)
    // Sorting goes back to the first page, in the new order.
    await page.getByTestId('results-table').getByRole('button', { name: 'Đơn vị', exact: true }).click()
    await waitUntil('sorted by name, from the first page', async () => await table1.count() === 100 && (await table1.first().innerText()).includes('Đơn vị thử 001'))
    await page.getByLabel('Tìm đơn vị trong Bảng 1').fill('thu 11')
    await waitUntil('the ten units 110-119, on one page', async () => await table1.count() === 10 && await bar1.count() === 0)
    assert((await page.locator('.table-search .found').first().innerText()) === 'Tìm thấy 10 / 120 đơn vị', 'the search does not say what it found')
    await page.getByLabel('Tìm đơn vị trong Bảng 1').fill('')
    // Printed (the browser's beforeprint, as the print button and Ctrl+P raise it), every unit is listed.
    await page.evaluate('window.dispatchEvent(new Event("beforeprint"))')
    await waitUntil('every unit while printing', async () => await table1.count() === 120 && await table2.count() === 120)
    await page.evaluate('window.dispatchEvent(new Event("afterprint"))')
    await waitUntil('a page again after printing', async () => await table1.count() === 100)
    // The charts of one bar per unit wait until they are reached, and draw 100 units a canvas (a browser draws nothing
    // on a canvas taller than 65,535 px): the first part with the chart, the next when reached, all when printed.
    const indexParts = page.getByTestId('index-chart')
    const fieldParts = page.getByTestId('field-chart')
    assert(await indexParts.count() === 0, 'the index chart was drawn before it was reached')
    await page.getByRole('heading', { name: /^Biểu đồ 1\./ }).scrollIntoViewIfNeeded()
    await indexParts.first().waitFor()
    const ranges = await page.getByTestId('index-chart-part').allInnerTexts()
    assert(ranges.join(' | ') === 'Đơn vị thứ 1–100 / 120 | Đơn vị thứ 101–120 / 120', `the index chart's parts say ${ranges.join(' | ')}`)
    assert(await indexParts.count() === 1, 'the second part was drawn before it was reached')
    const label = await indexParts.first().getAttribute('aria-label') ?? ''
    assert(label.includes('của 100 / 120 đơn vị'), `the first part's label is "${label}"`)
    const height = (canvas: Locator) => canvas.evaluate((element) => (element as unknown as { height: number }).height)
    await page.getByTestId('index-chart-part').nth(1).scrollIntoViewIfNeeded()
    await waitUntil('the second part drawn once reached', async () => await indexParts.count() === 2)
    const [first, second] = [await height(indexParts.nth(0)), await height(indexParts.nth(1))]
    assert(first > 2 * second && first < 65_535, `the parts' canvases are ${first} and ${second} px high`)
    await page.getByRole('heading', { name: /^Biểu đồ 3\./ }).scrollIntoViewIfNeeded()
    await waitUntil('the field chart\'s first part drawn once reached', async () => await fieldParts.count() === 1)
    await page.evaluate('window.dispatchEvent(new Event("beforeprint"))')
    await waitUntil('both parts of the field chart drawn to be printed', async () => await fieldParts.count() === 2)
    await page.evaluate('window.dispatchEvent(new Event("afterprint"))')
  })
}
