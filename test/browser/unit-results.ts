// A unit officer's published results (Kết quả của đơn vị): a department reads its 2020 rank, classification, fields
// beside the average and what it would take to move up, downloads its detailed appraisal, at 1280 px and on a phone.
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { assert, assertAccessible, assertPhoneReady, type BrowserChecks } from './checks.js'

const PHONE = { width: 390, height: 844 }
const DESKTOP = { width: 1280, height: 860 }

export async function unitResultChecks (c: BrowserChecks): Promise<void> {
  await c.check('a department officer reads its published 2020 result: rank, class, fields beside the average, what-if; on a phone too', async () => {
    const page = await c.newPage(DESKTOP)
    await c.login(page, 'so-tttt', c.demoPassword, 'Đơn vị của tôi')
    const card = page.getByRole('article', { name: 'Kỳ đánh giá Chỉ số CCHC năm 2020' })
    await card.getByRole('link', { name: 'Xem kết quả của đơn vị' }).click()
    await page.getByRole('heading', { level: 1, name: 'Kết quả của đơn vị' }).waitFor()
    const summary = await page.getByTestId('unit-result-summary').innerText()
    assert(/Xếp hạng\s+1\s*\/\s*20 đơn vị/.test(summary) && summary.includes('92,00') && summary.includes('Xuất sắc'), `the summary says: ${summary}`)
    await page.getByTestId('unit-result-targets').getByText('Đơn vị đang đứng đầu.').waitFor()
    const fields = page.locator('[data-testid="unit-result-fields"] tbody tr')
    assert(await fields.count() === 7, 'not the 7 fields')
    const legal = await fields.nth(1).innerText()
    assert(legal.includes('8,70'), `field 2 does not show the average 8,70 of the appraised points: ${legal}`)
    // Why each score is what it is: the unit's appraisal, leaf by leaf, every field.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải kết quả thẩm định chi tiết (Excel)' }).click()])
    assert(/^tham-dinh-2020-SO-TTTT\.xlsx$/.test(download.suggestedFilename()), `the sheet is named ${download.suggestedFilename()}`)
    const path = join(c.work, download.suggestedFilename())
    await download.saveAs(path)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.readFile(path)
    const codes: string[] = []
    workbook.getWorksheet('Thẩm định')?.eachRow((row, number) => { if (number > 6 && /^\d$/.test(String(row.getCell(1).value))) codes.push(String(row.getCell(1).value)) })
    assert(codes.join(',') === '1,2,3,4,5,6,7', `the sheet's fields: ${codes.join(',')}`)
    await c.screenshot('unit-11-results', false, page)
    await assertAccessible(page, 'the unit\'s results at 1280 px')
    await page.setViewportSize(PHONE)
    await assertPhoneReady(page, 'the unit\'s results')
    // Every figure of a field is on the screen, the appraised one too (the table hid it off to the right).
    const appraised = fields.nth(1).locator('td[data-label="Thẩm định"]')
    const box = await appraised.boundingBox()
    assert(box !== null && box.x + box.width <= PHONE.width, `the appraised points of field 2 are off the screen (${JSON.stringify(box)})`)
    assert((await appraised.evaluate((cell) => cell.ownerDocument.defaultView?.getComputedStyle(cell, '::before').content ?? '')).includes('Thẩm định'), 'the appraised points are not labelled on a phone')
    await c.screenshot('unit-12-results-phone', true, page)
    await page.close()
  })
}
