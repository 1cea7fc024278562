// Steps on the unit officer's self-assessment screen, as an officer takes them (answer a leaf by its input method,
// explain, attach or reuse a file, submit, withdraw, answer a supplement request): the unit checks and the whole-round
// flow drive the screen with them.
import type { Locator, Page } from 'playwright-core'

/** The block of one leaf on the self-assessment screen. */
export function leafOf (page: Page, code: string): Locator {
  return page.locator(`[data-leaf-code="${code}"]`)
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Answers one leaf as the officer would, by its input method: the label of an option (radio list), or a number for a
 * range or bands leaf (typed, then Tab so the input reports the change). Autosave sends it a second later.
 */
export async function answerLeaf (page: Page, code: string, answer: string | number): Promise<void> {
  const leaf = leafOf(page, code)
  const method = await leaf.locator('.leaf-input').getAttribute('data-method')
  if (method === 'options') {
    await leaf.getByRole('radio', { name: new RegExp(`^${escapeRegExp(String(answer))} \\(`) }).check()
    return
  }
  const input = leaf.locator('input.leaf-number')
  await input.fill(String(answer))
  await input.press('Tab')
}

/** Types the explanation of a leaf. */
export async function explainLeaf (page: Page, code: string, text: string): Promise<void> {
  await leafOf(page, code).getByLabel(`Giải trình tiêu chí ${code}`).fill(text)
}

/** Waits until everything typed is saved (the summary says so). */
export async function waitSaved (page: Page): Promise<void> {
  await page.getByTestId('save-summary').filter({ hasText: 'Đã lưu tất cả' }).waitFor({ timeout: 20_000 })
}

/** Uploads a file on a leaf through its file picker and waits until the leaf lists it. */
export async function uploadEvidence (page: Page, code: string, path: string, fileName: string): Promise<void> {
  await page.getByTestId(`file-input-${code}`).setInputFiles(path)
  await leafOf(page, code).getByRole('button', { name: fileName, exact: true }).waitFor({ timeout: 20_000 })
}

/** Attaches a file the unit already uploaded to another leaf. */
export async function reuseEvidence (page: Page, code: string, fileName: string): Promise<void> {
  const leaf = leafOf(page, code)
  await leaf.getByRole('button', { name: `Dùng tệp đã tải lên cho tiêu chí ${code}` }).click()
  await leaf.getByRole('button', { name: `Gắn vào tiêu chí này (${code}): ${fileName}` }).click()
  await leaf.getByRole('button', { name: fileName, exact: true }).waitFor()
}

/** Opens the officer's self-assessment of the round from "Đơn vị của tôi". */
export async function openSelfAssessment (page: Page, roundTitle: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Đơn vị của tôi', exact: true }).click()
  await page.getByRole('heading', { level: 1, name: 'Đơn vị của tôi' }).waitFor()
  await page.getByRole('article', { name: roundTitle }).getByRole('link', { name: /tự đánh giá|yêu cầu bổ sung/ }).click()
  await page.getByRole('heading', { level: 1, name: 'Tự đánh giá' }).waitFor()
  await page.locator('[data-leaf-code]').first().waitFor()
}

/** Submits the self-assessment (confirming when asked) and waits until it says it is submitted. */
export async function submit (page: Page): Promise<void> {
  await page.locator('.page-header').getByRole('button', { name: 'Nộp bản tự đánh giá' }).click()
  const dialog = page.getByRole('dialog', { name: 'Nộp bản tự đánh giá' })
  // The question is the dialog's description, read with its title when the focus lands on "Nộp".
  const described = await dialog.evaluate((element) => element.ownerDocument.getElementById(element.getAttribute('aria-describedby') ?? '')?.textContent ?? '')
  if (!described.startsWith('Nộp bản tự đánh giá với tổng')) throw new Error(`the submit dialog is described as "${described}"`)
  await dialog.getByRole('button', { name: 'Nộp', exact: true }).click()
  await page.getByTestId('sa-status').filter({ hasText: 'Đã nộp' }).waitFor()
  // The button pressed is gone; the focus is on the one that takes its place, not lost at the top of the page.
  await page.waitForFunction('document.activeElement?.hasAttribute("data-withdraw") === true')
}

/** Withdraws a submitted self-assessment to edit it again. */
export async function withdraw (page: Page): Promise<void> {
  await page.locator('.page-header').getByRole('button', { name: 'Rút lại để sửa' }).click()
  await page.getByRole('dialog', { name: 'Rút lại bản tự đánh giá' }).getByRole('button', { name: 'Rút lại', exact: true }).click()
  await page.getByTestId('sa-status').filter({ hasText: 'Đang nhập' }).waitFor()
}

/** Answers the open supplement request shown on the self-assessment screen with a note. */
export async function answerSupplement (page: Page, note: string): Promise<void> {
  const request = page.getByTestId('supplement-requests').locator('[data-status="open"]').first()
  await request.getByLabel('Nội dung trả lời').fill(note)
  await request.getByRole('button', { name: 'Gửi trả lời' }).click()
  await page.getByTestId('supplement-requests').getByText(note).waitFor()
}

/** "Đơn vị của tôi" from the navigation (on a phone, the menu is already open). */
export async function openSelfAssessmentLanding (page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Đơn vị của tôi', exact: true }).click()
  await page.getByRole('heading', { level: 1, name: 'Đơn vị của tôi' }).waitFor()
  await page.getByTestId('unit-answered').first().waitFor()
}
