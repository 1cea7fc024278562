// Steps on the appraiser's screens that work on any round (open a unit from the desk, accept a field, override a leaf,
// ask for and close a supplement request), and a small valid PDF and Vietnam-time dates for the set-ups: the appraisal
// checks and the whole-round flow drive the screens with them.
import type { Locator, Page } from 'playwright-core'
import { assert } from './checks.js'

/** One leaf of the appraisal screen. */
export const leafOf = (page: Page, code: string): Locator => page.locator(`[data-leaf="${code}"]`)

/** From the desk (Thẩm định), opens a unit's appraisal screen; chooses the round first when its code is given. */
export async function openUnitAppraisal (page: Page, unitName: string, roundCode?: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Thẩm định', exact: true }).click()
  await page.getByRole('heading', { level: 1, name: 'Thẩm định' }).waitFor()
  if (roundCode) {
    const select = page.getByLabel('Kỳ đánh giá', { exact: true })
    const value = await select.locator('option').filter({ hasText: `${roundCode} –` }).getAttribute('value')
    await select.selectOption(value ?? '')
  }
  await page.getByTestId('desk-table').getByRole('link', { name: unitName, exact: true }).click()
  await page.getByRole('heading', { level: 1, name: unitName }).waitFor()
}

/** "Chấp nhận điểm của đơn vị cho cả lĩnh vực" of one field; waits until every leaf of the field is appraised. */
export async function acceptField (page: Page, fieldCode: string): Promise<void> {
  await page.locator(`[data-accept-field="${fieldCode}"]`).click()
  const figures = page.locator(`[data-field="${fieldCode}"] [data-testid="field-figures"]`)
  await page.waitForFunction((element) => {
    const match = /(\d+)\/(\d+) tiêu chí đã thẩm định/.exec(element?.textContent ?? '')
    return match !== null && match[1] === match[2]
  }, await figures.elementHandle())
}

/**
 * Gives a leaf an appraised score other than the unit's: a number for a range leaf, or an option's label. The form
 * must ask for the reason before anything is sent; with the reason typed, the leaf saves on its own.
 */
export async function overrideLeaf (page: Page, code: string, input: { value: number } | { option: string }, reason: string): Promise<void> {
  const leaf = leafOf(page, code)
  if ('value' in input) {
    const box = leaf.getByLabel(`Điểm thẩm định tiêu chí ${code}`)
    await box.fill(String(input.value))
    await box.press('Enter')
  } else {
    await leaf.getByRole('radio', { name: input.option }).check()
  }
  await leaf.getByTestId('reason-needed').waitFor()
  const state = await leaf.getByTestId('leaf-state').innerText()
  assert(state === 'Chưa lưu: cần lý do', `before the reason the leaf says "${state}"`)
  await leaf.getByLabel(/^Lý do/).fill(reason)
  await leaf.getByTestId('reason-needed').waitFor({ state: 'detached' })
  await waitForLeafState(page, code, 'Đã lưu')
}

/** Types a score and its reason on a leaf while saves fail (savesOffline): the leaf says it could not save them. */
export async function scoreUnsaved (page: Page, code: string, value: string, reason: string): Promise<void> {
  const box = leafOf(page, code).getByLabel(`Điểm thẩm định tiêu chí ${code}`)
  await box.fill(value)
  await box.press('Enter')
  await leafOf(page, code).getByLabel(/^Lý do/).fill(reason)
  await waitForLeafState(page, code, 'Chưa lưu được')
}

export async function waitForLeafState (page: Page, code: string, text: string): Promise<void> {
  await leafOf(page, code).getByTestId('leaf-state').filter({ hasText: new RegExp(`^${text}$`) }).waitFor()
}

/** Selects the leaves, asks the unit for supplementary evidence with a reason and a due date (dd/MM/yyyy HH:mm). */
export async function askSupplement (page: Page, leafCodes: string[], reason: string, due: string): Promise<void> {
  for (const code of leafCodes) await leafOf(page, code).getByRole('checkbox', { name: `Chọn tiêu chí ${code} để yêu cầu bổ sung` }).check()
  await page.getByTestId('ask-supplement').click()
  const dialog = page.getByRole('dialog', { name: 'Yêu cầu bổ sung tài liệu' })
  await dialog.getByLabel('Lý do, tài liệu cần bổ sung').fill(reason)
  await dialog.getByLabel('Hạn trả lời').fill(due)
  await dialog.getByRole('button', { name: 'Gửi yêu cầu' }).click()
  await dialog.waitFor({ state: 'hidden' })
  await requestItem(page, leafCodes).waitFor()
}

/** The newest supplement request on exactly these leaves in the unit's list. */
export const requestItem = (page: Page, leafCodes: string[]): Locator =>
  page.getByTestId('supplement-list').locator(`li[data-leaves="${leafCodes.join(' ')}"]`).last()

/** Reviews the request on these leaves in the side panel and closes it with a comment. */
export async function closeSupplement (page: Page, leafCodes: string[], comment: string): Promise<void> {
  const item = requestItem(page, leafCodes)
  await item.getByRole('button', { name: /^(Xem xét|Xem)/ }).click()
  const review = page.getByTestId('supplement-review')
  await review.getByLabel('Kết luận xem xét').fill(comment)
  await review.getByRole('button', { name: /^(Đóng yêu cầu|Rút yêu cầu)$/ }).click()
  await item.getByTestId('supplement-status').filter({ hasText: 'Đã đóng' }).waitFor()
}

/** A one-page PDF with a few lines of text, small and valid, for an evidence file. */
export function samplePdf (lines: string[]): Buffer {
  const text = `BT /F1 16 Tf 60 760 Td ${lines.map((line) => `(${line}) Tj 0 -26 Td`).join(' ')} ET`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'
  ]
  let body = '%PDF-1.4\n'
  const offsets = objects.map((object, index) => {
    const offset = body.length
    body += `${index + 1} 0 obj\n${object}\nendobj\n`
    return offset
  })
  const xref = body.length
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

/** dd/MM/yyyy HH:mm of a moment counted in days from now, in Vietnam time. */
export function vietnamTime (offsetDays: number, time = '17:00'): string {
  const date = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' })
    .format(new Date(Date.now() + offsetDays * 86_400_000))
  return `${date} ${time}`
}
