// Browser checks of the results screen (Kết quả): the published 2020 department results, tables and charts.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { assert, horizontalOverflow, type BrowserChecks } from './checks.js'

interface CanvasStats {
  width: number
  height: number
  /** Pixels that are not transparent. */
  painted: number
  /** The most runs of strongly coloured pixels met going down one column: the bars of a horizontal bar chart. */
  bars: number
}

/**
 * Reads a chart's canvas: how much is drawn, and how many bars a column crosses (text and grid lines are grey).
 * The function runs in the page, so it declares no named helpers (tsx would wrap them in a helper the page lacks).
 */
async function canvasStats (page: Page, testId: string): Promise<CanvasStats> {
  return page.getByTestId(testId).evaluate((element) => {
    // The project compiles without the DOM library; the canvas is described by the little this reads of it.
    const canvas = element as unknown as { width: number, height: number, getContext: (kind: '2d') => { getImageData: (x: number, y: number, w: number, h: number) => { data: Uint8ClampedArray } } | null }
    const { width, height } = canvas
    const pixels = canvas.getContext('2d')?.getImageData(0, 0, width, height).data
    if (!pixels) return { width, height, painted: 0, bars: 0 }
    let painted = 0
    for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) painted++
    let bars = 0
    for (let x = 0; x < width; x += 3) {
      let runs = 0
      let inside = false
      for (let y = 0; y < height; y++) {
        const i = (y * width + x) * 4
        const r = pixels[i] ?? 0
        const g = pixels[i + 1] ?? 0
        const b = pixels[i + 2] ?? 0
        // Strongly coloured and opaque: a bar, not text, a grid line or the background.
        const coloured = (pixels[i + 3] ?? 0) > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 60
        if (coloured && !inside) runs++
        inside = coloured
      }
      bars = Math.max(bars, runs)
    }
    return { width, height, painted, bars }
  })
}

export async function resultChecks (c: BrowserChecks): Promise<void> {
  const { page, check, nav, heading, rows, waitUntil } = c
  const table1 = 'results-table'
  const table2 = 'results-field-table'
  const cells = async (testId: string, row: number) => page.locator(`[data-testid="${testId}"] tbody tr`).nth(row).locator('td').allInnerTexts()
  const firstUnit = async (testId: string) => (await cells(testId, 0))[1]?.trim() ?? ''
  let resultsUrl = ''

  await check('the home page leads to the latest published results', async () => {
    await nav('Tổng quan').click()
    await heading('Tổng quan').waitFor()
    const tile = page.getByTestId('latest-results')
    const text = await tile.innerText()
    assert(text.includes('2020') && text.includes('phiên bản 1'), `the latest results tile says "${text}"`)
    // One link per unit type with published results (the demo publishes the departments only).
    const links = tile.getByRole('link')
    assert(await links.count() === 1, `the tile has ${await links.count()} links`)
    await links.first().click()
    await heading('Kết quả').waitFor()
    await waitUntil('20 departments are listed in Bảng 1', async () => await rows(table1).count() === 20)
  })

  await check('Kết quả shows the published 2020 department results', async () => {
    await nav('Kết quả').click()
    await heading('Kết quả').waitFor()
    await waitUntil('20 departments are listed in Bảng 1', async () => await rows(table1).count() === 20)
    const status = await page.getByTestId('results-status').innerText()
    assert(status.includes('Đã công bố') && status.includes('phiên bản 1'), `the status says "${status}"`)
    const url = new URL(page.url())
    assert(url.searchParams.get('unitType') === 'department' && url.searchParams.get('round'), `the address is ${page.url()}`)
    assert(await page.getByLabel('Loại đơn vị').inputValue() === 'department', 'the unit type picker does not show the departments')
    assert((await page.getByTestId('results-note').innerText()).includes('20 đơn vị'), 'the version line does not count 20 units')
    const counts = await page.getByTestId('classification-counts').innerText()
    for (const [count, label, range] of [['7', 'Xuất sắc', 'từ 90 trở lên'], ['9', 'Tốt', 'từ 80 đến dưới 90'], ['3', 'Khá', 'từ 70 đến dưới 80'], ['1', 'Trung bình', 'từ 50 đến dưới 70'], ['0', 'Yếu', 'dưới 50']]) {
      assert(new RegExp(`${count}\\s+${label}\\s+Chỉ số ${range}`).test(counts), `the counts do not say ${count} ${label} (Chỉ số ${range}): ${counts}`)
    }
    resultsUrl = page.url()
    await page.getByTestId('index-chart').waitFor()
    await c.screenshot('results-01-tables', true)
  })

  await check('Bảng 1: rank 1 is Sở Thông tin và Truyền thông with 92,00, Xuất sắc; ties are listed by name', async () => {
    const first = await cells(table1, 0)
    assert(first[0]?.trim() === '1', `the first rank is ${first[0]}`)
    assert(first[1]?.trim() === 'Sở Thông tin và Truyền thông', `the first unit is ${first[1]}`)
    assert(first[3]?.trim() === '92,00' && first[4]?.trim() === '92,00', `the appraised total and index are ${first[3]} and ${first[4]}`)
    assert(first[5]?.trim() === 'Xuất sắc', `the classification is ${first[5]}`)
    const texts = await rows(table1).allInnerTexts()
    const at = (name: string) => texts.findIndex((text) => text.includes(name))
    assert(at('Sở Tư pháp') >= 0 && at('Sở Tư pháp') === at('Văn phòng UBND tỉnh') - 1, 'Sở Tư pháp is not listed just before Văn phòng UBND tỉnh')
    const last = await cells(table1, 19)
    assert(last[1]?.trim() === 'Thanh tra tỉnh' && last[4]?.trim() === '58,75' && last[5]?.trim() === 'Trung bình', `the last row is ${last.join(' | ')}`)
  })

  await check('Bảng 2: the average row has the report\'s averages, 85,03 appraised in total', async () => {
    const average = page.getByTestId('average-row')
    const values = (await average.locator('td').allInnerTexts()).map((text) => text.trim()).filter((text) => text !== '')
    const self = values.filter((_, i) => i % 2 === 0)
    const appraised = values.filter((_, i) => i % 2 === 1)
    assert(self.join(' ') === '18,30 9,98 20,23 9,98 13,83 9,90 14,15 96,35', `the self averages are ${self.join(' ')}`)
    assert(appraised.join(' ') === '14,30 8,70 19,33 9,13 11,90 9,50 12,18 85,03', `the appraised averages are ${appraised.join(' ')}`)
    assert(await page.getByTestId('average-appraised-total').innerText() === '85,03', 'the appraised total average is not 85,03')
    assert((await average.innerText()).includes('Trung bình'), 'the average row is not labelled Trung bình')
  })

  await check('clicking or pressing Enter on a column header sorts the rows', async () => {
    const unitHeader = page.getByTestId(table1).getByRole('button', { name: 'Đơn vị', exact: true })
    await unitHeader.click()
    await waitUntil('Bảng 1 is sorted by name', async () => await firstUnit(table1) === 'Ban Dân tộc')
    const th = page.getByTestId(table1).locator('th[aria-sort="ascending"]')
    assert((await th.innerText()).includes('ĐƠN VỊ') || (await th.innerText()).includes('Đơn vị'), 'the unit header does not say aria-sort="ascending"')
    await unitHeader.press('Enter')
    await waitUntil('Bảng 1 is sorted by name, Z to A', async () => await firstUnit(table1) === 'Văn phòng UBND tỉnh')
    assert(await page.getByTestId(table1).locator('th[aria-sort="descending"]').count() === 1, 'no header says aria-sort="descending"')
    // Bảng 2 by the legal-framework field's appraised points, lowest first: Văn phòng UBND tỉnh has 3,00.
    const fieldHeader = page.getByTestId(table2).getByRole('button', { name: /^TĐ\s*\(Lĩnh vực 2 thẩm định\)$/ })
    await fieldHeader.click()
    await fieldHeader.click()
    await waitUntil('Bảng 2 is sorted by field 2, lowest first', async () => await firstUnit(table2) === 'Văn phòng UBND tỉnh')
    assert((await cells(table2, 1))[1]?.trim() === 'Thanh tra tỉnh', 'Thanh tra tỉnh (3,50) is not second')
    await page.locator(`[data-testid="${table2}"] tbody`).evaluate((element) => element.scrollIntoView({ block: 'start' }))
    await c.screenshot('results-02-sorted')
    await page.getByTestId(table1).getByRole('button', { name: 'Hạng', exact: true }).click()
    await page.getByTestId(table2).getByRole('button', { name: 'Hạng', exact: true }).click()
    await waitUntil('both tables are back in rank order', async () => await firstUnit(table1) === 'Sở Thông tin và Truyền thông' && await firstUnit(table2) === 'Sở Thông tin và Truyền thông')
  })

  await check('Biểu đồ 1 draws 20 bars of the index', async () => {
    const chart = page.getByTestId('index-chart')
    await chart.scrollIntoViewIfNeeded()
    const label = await chart.getAttribute('aria-label') ?? ''
    assert(label.includes('20 đơn vị') && label.includes('92,00'), `the chart's label is "${label}"`)
    let stats: CanvasStats | undefined
    await waitUntil('the index chart shows 20 bars', async () => {
      stats = await canvasStats(page, 'index-chart')
      return stats.bars === 20
    }).catch((error: unknown) => { throw new Error(`${String(error)}; canvas ${JSON.stringify(stats)}`) })
    assert(stats && stats.painted > stats.width * stats.height * 0.1, `only ${stats?.painted} pixels are drawn`)
    await page.locator('#chart1-title').evaluate((element) => element.scrollIntoView({ block: 'start' }))
    await c.screenshot('results-03-index-chart')
  })

  await check('Biểu đồ 2 draws the field averages as a percentage of the maximum, and Biểu đồ 3 follows the chosen field', async () => {
    const chart = page.getByTestId('field-average-chart')
    await chart.scrollIntoViewIfNeeded()
    assert((await chart.getAttribute('aria-label') ?? '').includes('lĩnh vực 1 thẩm định 75,26%'), 'the average chart\'s label does not give field 1 as 75,26%')
    let stats: CanvasStats | undefined
    await waitUntil('the average chart shows two bars per field', async () => {
      stats = await canvasStats(page, 'field-average-chart')
      return stats.bars === 14
    }).catch((error: unknown) => { throw new Error(`${String(error)}; canvas ${JSON.stringify(stats)}`) })
    await page.getByLabel('Lĩnh vực', { exact: true }).selectOption('2')
    const fieldChart = page.getByTestId('field-chart')
    await waitUntil('the field chart shows field 2', async () => (await fieldChart.getAttribute('aria-label') ?? '').includes('lĩnh vực 2'))
    await waitUntil('the field chart shows self and appraised bars of 20 units', async () => (await canvasStats(page, 'field-chart')).bars === 40)
    await page.locator('#chart2-title').evaluate((element) => element.scrollIntoView({ block: 'start' }))
    await c.screenshot('results-04-field-charts')
  })

  await check('a unit\'s detail shows its fields and what it needs for the next band', async () => {
    await page.getByTestId(table1).getByRole('button', { name: 'Xem chi tiết Sở Tư pháp', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Sở Tư pháp' })
    await dialog.getByTestId('unit-fields').waitFor()
    const text = await dialog.innerText()
    assert(/Cần thêm 1 điểm thẩm định để được xếp loại Xuất sắc/.test(text), `the what-if does not say 1 point to Xuất sắc: ${text.slice(0, 400)}`)
    assert(/Cần thêm 1,5 điểm/.test(text), 'the what-if does not say 1,5 points to the next rank')
    assert(await dialog.getByTestId('unit-fields').locator('tbody tr').count() === 7, 'the detail does not list 7 fields')
    await c.screenshot('results-05-unit-detail')
    await dialog.getByRole('button', { name: 'Đóng', exact: true }).first().click()
    await dialog.waitFor({ state: 'hidden' })
  })

  await check('republishing unchanged results is refused with a readable message', async () => {
    await page.getByRole('button', { name: 'Công bố lại…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Công bố lại kết quả' })
    const submit = dialog.getByRole('button', { name: 'Công bố phiên bản 2' })
    assert(await submit.isDisabled(), 'a republication without a reason can be sent')
    await dialog.getByLabel('Lý do công bố lại').fill('Kiểm tra công bố lại khi không có thay đổi')
    await c.allowConsoleError(/status of 409/, async () => {
      await submit.click()
      await dialog.getByRole('alert').filter({ hasText: 'Không có gì thay đổi so với phiên bản 1' }).waitFor()
    })
    await c.screenshot('results-06-republish-refused')
    await dialog.getByRole('button', { name: 'Hủy' }).click()
    await dialog.waitFor({ state: 'hidden' })
    assert(await rows('results-versions').count() === 1, 'a second version is listed')
  })

  await check('the published version downloads as XLSX and CSV', async () => {
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Xuất XLSX' }).click()])
    assert(xlsx.suggestedFilename() === 'chi-so-cchc-2020-department-v1.xlsx', `the XLSX file is named ${xlsx.suggestedFilename()}`)
    const xlsxPath = join(c.work, xlsx.suggestedFilename())
    await xlsx.saveAs(xlsxPath)
    const workbook = readFileSync(xlsxPath)
    assert(workbook.length > 1000 && workbook.subarray(0, 2).toString('latin1') === 'PK', `the XLSX file has ${workbook.length} bytes and is no zip`)
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Xuất CSV', exact: true }).click()])
    assert(csv.suggestedFilename() === 'chi-so-cchc-2020-department-v1.csv', `the CSV file is named ${csv.suggestedFilename()}`)
    const csvPath = join(c.work, csv.suggestedFilename())
    await csv.saveAs(csvPath)
    const text = readFileSync(csvPath, 'utf8')
    assert(text.includes('Sở Thông tin và Truyền thông'), 'the CSV file does not list Sở Thông tin và Truyền thông')
    const [excelVi] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Xuất CSV cho Excel tiếng Việt (dấu ;)' }).click()])
    assert(excelVi.suggestedFilename() === 'chi-so-cchc-2020-department-v1-excel-vi.csv', `the excel-vi CSV file is named ${excelVi.suggestedFilename()}`)
    const excelViPath = join(c.work, excelVi.suggestedFilename())
    await excelVi.saveAs(excelViPath)
    assert(readFileSync(excelViPath, 'utf8').includes(';Sở Thông tin và Truyền thông;'), 'the excel-vi CSV file is not separated by ";"')
  })

  await check('the published version links to its public page, which shows the same version', async () => {
    const link = page.getByTestId('results-public-page')
    assert(await link.getAttribute('href') === '/ket-qua/2020/department', `the link goes to ${String(await link.getAttribute('href'))}`)
    const [opened] = await Promise.all([page.context().waitForEvent('page'), link.click()])
    await opened.waitForURL(/\/ket-qua\/2020\/department$/)
    await opened.getByRole('heading', { level: 1, name: /Chỉ số CCHC năm 2020/ }).waitFor()
    await opened.close()
  })

  await check('an admin downloads the annual report in Word', async () => {
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('results-report').click()])
    assert(report.suggestedFilename() === 'Báo cáo Chỉ số CCHC năm 2020.docx', `the report is named ${report.suggestedFilename()}`)
    const reportPath = join(c.work, 'report.docx')
    await report.saveAs(reportPath)
    const document = readFileSync(reportPath)
    assert(document.length > 500_000 && document.subarray(0, 2).toString('latin1') === 'PK', `the report has ${document.length} bytes and is no zip`)
  })

  await check('an admin sees the provisional results and goes back to the published version', async () => {
    await page.getByLabel('Phiên bản', { exact: true }).selectOption('provisional')
    await waitUntil('the status says Tạm tính', async () => (await page.getByTestId('results-status').innerText()).includes('Tạm tính'))
    assert(new URL(page.url()).searchParams.get('version') === 'provisional', `the address is ${page.url()}`)
    await waitUntil('the provisional Bảng 1 has 20 units', async () => await rows(table1).count() === 20 && await firstUnit(table1) === 'Sở Thông tin và Truyền thông')
    assert(await page.getByRole('button', { name: 'Xuất XLSX' }).isDisabled(), 'provisional results can be exported')
    await c.screenshot('results-07-provisional')
    await page.getByLabel('Phiên bản', { exact: true }).selectOption('1')
    await waitUntil('the published version is shown again', async () => (await page.getByTestId('results-status').innerText()).includes('phiên bản 1'))
    assert(new URL(page.url()).searchParams.get('version') === null, `the address is ${page.url()}`)
  })

  await check('provisional results of a round without appraised scores say "Chưa có điểm" instead of ranking every unit 1st', async () => {
    const { token } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: 'admin', password: c.adminPassword } })
    const open = (await c.api<{ items: { id: string, status: string }[] }>('/rounds?limit=100&offset=0', { token })).items.find((round) => round.status === 'self_assessment')
    assert(open, 'the demo has no round in self-assessment')
    const viewer = await c.newPage({ width: 1280, height: 900 })
    await c.login(viewer, 'admin', c.adminPassword, 'Tổng quan')
    await viewer.goto(`${c.baseUrl}/admin/results?round=${open.id}&unitType=department&version=provisional`)
    const body = viewer.locator(`[data-testid="${table1}"] tbody tr`)
    await waitUntil('the provisional rows are listed', async () => await body.count() > 0)
    const unscored = await viewer.locator(`[data-testid="${table1}"] [data-testid="unscored"]`).count()
    assert(unscored === await body.count(), `${unscored} of ${await body.count()} rows say they have no score`)
    await viewer.close()
  })

  await check('an admin shares the round\'s provisional results with API keys, and stops sharing them', async () => {
    const box = page.getByTestId('share-provisional')
    await waitUntil('the sharing setting is loaded', async () => await box.isEnabled())
    assert(!(await box.isChecked()), 'provisional results are shared before anyone chose to')
    const roundId = new URL(page.url()).searchParams.get('round') as string
    const { token } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: 'admin', password: c.adminPassword } })
    const shared = async () => (await c.api<{ provisionalForKeys: boolean }>(`/rounds/${roundId}/results/settings`, { token })).provisionalForKeys
    await box.check()
    await page.getByText('Khóa API đã được xem kết quả tạm tính của kỳ này').waitFor()
    await waitUntil('the server keeps the choice', shared)
    await c.screenshot('results-08-sharing')
    await box.uncheck()
    await page.getByText('Khóa API chỉ còn xem được kết quả đã công bố').waitFor()
    await waitUntil('the server keeps the new choice', async () => !(await shared()))
    await c.api('/auth/logout', { method: 'POST', token })
  })

  await check('a viewer sees the published results through the public API, without publishing', async () => {
    const { token } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: 'admin', password: c.adminPassword } })
    await c.api('/users', { method: 'POST', token, body: { username: 'xem.ketqua', displayName: 'Người xem kết quả', role: 'viewer', password: 'mat-khau-xem-1' } })
    await c.api('/auth/logout', { method: 'POST', token })
    // Another tab has its own session, so the admin stays logged in here.
    const viewer = await page.context().newPage()
    try {
      await viewer.goto(`${c.baseUrl}/admin/login`)
      await viewer.getByLabel('Tên đăng nhập').fill('xem.ketqua')
      await viewer.getByLabel('Mật khẩu').fill('mat-khau-xem-1')
      await viewer.getByRole('button', { name: 'Đăng nhập' }).click()
      await viewer.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor()
      await viewer.goto(resultsUrl)
      await waitUntil('the viewer sees 20 departments', async () => await viewer.locator(`[data-testid="${table1}"] tbody tr`).count() === 20)
      const first = await viewer.locator(`[data-testid="${table1}"] tbody tr`).first().locator('td').allInnerTexts()
      assert(first[1]?.trim() === 'Sở Thông tin và Truyền thông' && first[4]?.trim() === '92,00', `the viewer's first row is ${first.join(' | ')}`)
      assert(await viewer.getByTestId('average-appraised-total').innerText() === '85,03', 'the viewer\'s average row differs')
      assert(await viewer.getByRole('button', { name: /Công bố/ }).count() === 0, 'a viewer is offered to publish')
      assert(await viewer.getByTestId('results-report').count() === 0, 'a viewer is offered the Word report')
      assert(await viewer.locator('#results-version option[value="provisional"]').count() === 0, 'a viewer is offered the provisional results')
      await viewer.getByTestId(table1).getByRole('button', { name: 'Xem chi tiết Sở Tư pháp', exact: true }).click()
      await viewer.getByRole('dialog', { name: 'Sở Tư pháp' }).getByText(/Cần thêm 1 điểm thẩm định/).waitFor()
      await viewer.screenshot({ path: join(process.cwd(), 'test-output', 'screenshots', 'results-09-viewer-detail.png') })
    } finally {
      await viewer.close()
    }
  })

  await check('on a tablet the results screen fits the width', async () => {
    await page.setViewportSize({ width: 800, height: 1000 })
    try {
      await page.goto(resultsUrl)
      await waitUntil('the results are listed', async () => await rows(table1).count() === 20)
      await page.getByTestId('index-chart').waitFor()
      const overflow = await horizontalOverflow(page)
      assert(overflow <= 0, `the page is ${overflow} px wider than the screen`)
      await c.screenshot('results-10-tablet', true)
    } finally {
      await page.setViewportSize({ width: 1280, height: 860 })
    }
  })
}
