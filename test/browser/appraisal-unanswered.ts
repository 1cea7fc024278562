// Browser checks of a unit that never submitted: on its appraisal the appraiser gives every leaf of their field the
// lowest score with one reason (a dialog), instead of typing each; the one leaf the unit was asked to supplement is
// left for its answer, and the rest of the field is then appraised at 0.
// Set-up through the API: a department round of its own, its one unit never starts, the round moved to appraisal.
import { openUnitAppraisal } from './appraisal-steps.js'
import { assert, assertAccessible, horizontalOverflow, roundOpenUntilTomorrow, type BrowserChecks } from './checks.js'

const ROUND_CODE = 'TD-KHONG-NOP'
const APPRAISER = 'thamdinh5'
const UNIT = { code: 'SO-GDDT', name: 'Sở Giáo dục và Đào tạo' }
const ASKED = '1.1.1'

/** A department round of its own in appraisal, whose units never self-assessed, field 1 assigned to APPRAISER; its units' ids. */
async function setUpRound (c: BrowserChecks, code: string, unitCodes: readonly string[]): Promise<{ roundId: string, unitIds: string[] }> {
  const { token } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: 'admin', password: c.adminPassword } })
  const as = (path: string, method: string, body?: unknown, headers?: Record<string, string>) => c.api<any>(path, { method, token, body, ...(headers ? { headers } : {}) })
  const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()))
  const catalog = (await as(`/catalogs?code=TH-${year}-SO&limit=1&offset=0`, 'GET')).items[0]
  const unitIds = await Promise.all(unitCodes.map(async (unitCode) =>
    (await as(`/units?q=${unitCode}&limit=10&offset=0`, 'GET')).items.find((candidate: { code: string }) => candidate.code === unitCode)?.id as string | undefined))
  const appraiser = (await as('/users?role=appraiser&limit=100&offset=0', 'GET')).items.find((user: { username: string }) => user.username === APPRAISER)
  assert(catalog && unitIds.every(Boolean) && appraiser, 'the demo catalog, units or appraiser is missing')
  const round = await as('/rounds', 'POST', roundOpenUntilTomorrow(code, 'Kỳ thử nghiệm đơn vị không nộp'))
  await as(`/rounds/${round.id}/catalogs`, 'PUT', { catalogs: [{ unitType: 'department', catalogId: catalog.id }] })
  await as(`/rounds/${round.id}/participants`, 'POST', { unitIds })
  await as(`/rounds/${round.id}/assignments`, 'PUT', { assignments: [{ unitType: 'department', fieldCode: '1', userId: appraiser.id }] })
  await as(`/rounds/${round.id}/transition`, 'POST', { to: 'self_assessment' })
  await as(`/rounds/${round.id}`, 'PATCH', { selfAssessmentClosesAt: new Date(Date.now() - 60_000).toISOString() }, { 'if-match': '*' })
  await as(`/rounds/${round.id}/transition`, 'POST', { to: 'appraisal' })
  return { roundId: round.id, unitIds: unitIds as string[] }
}

/** The appraiser asks a unit about one leaf: that one waits for its answer and is not scored at its lowest. */
async function askAbout (c: BrowserChecks, roundId: string, unitId: string, leafCode: string): Promise<void> {
  const appraiserToken = (await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: APPRAISER, password: c.demoPassword } })).token
  await c.api(`/rounds/${roundId}/units/${unitId}/supplement-requests`, {
    method: 'POST', token: appraiserToken, body: { leafCodes: [leafCode], reason: 'Đề nghị đơn vị tự chấm tiêu chí này', dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }
  })
}

export async function appraisalUnansweredChecks (c: BrowserChecks): Promise<void> {
  await c.check('a unit that never submitted: the appraiser gives every leaf of the field its lowest score with one reason', async () => {
    const { roundId, unitIds } = await setUpRound(c, ROUND_CODE, [UNIT.code])
    await askAbout(c, roundId, unitIds[0] as string, ASKED)
    const page = await c.newPage()
    try {
      await c.login(page, APPRAISER, c.demoPassword, 'Thẩm định')
      await openUnitAppraisal(page, UNIT.name, ROUND_CODE)
      const notice = page.getByTestId('not-submitted')
      await notice.getByText('không tự chấm tiêu chí nào trước khi hết hạn').waitFor()
      const action = notice.getByRole('button', { name: /^Chấm điểm thấp nhất cho \d+ tiêu chí đơn vị không tự chấm…$/ })
      const count = Number(/(\d+) tiêu chí/.exec(await action.innerText())?.[1])
      assert(count > 5, `the action counts ${count} leaves`)
      await notice.getByTestId('unanswered-asked').getByText('1 tiêu chí đơn vị chưa tự chấm đang nằm trong yêu cầu bổ sung').waitFor()
      // On a phone the offer wraps rather than pushing the page sideways.
      await page.setViewportSize({ width: 390, height: 844 })
      const overflow = await horizontalOverflow(page)
      assert(overflow === 0, `the page scrolls sideways by ${overflow}px at 390×844 with the offer shown`)
      await page.setViewportSize({ width: 1280, height: 860 })
      await action.click()
      const dialog = page.getByRole('dialog', { name: `Chấm điểm thấp nhất: ${UNIT.name}` })
      const reason = dialog.getByLabel('Lý do')
      assert((await reason.inputValue()).startsWith('Đơn vị không tự đánh giá'), 'the reason does not start as the usual one')
      assert(await reason.evaluate((el) => el === el.ownerDocument.activeElement), 'the reason does not have the focus')
      await assertAccessible(page, 'the lowest-score dialog')
      await c.screenshot('appraisal-unanswered-dialog', false, page)
      await reason.fill('Đơn vị không nộp bản tự đánh giá; Tổ thẩm định không có tài liệu kiểm chứng.')
      await dialog.getByRole('button', { name: `Chấm ${count} tiêu chí` }).click()
      await dialog.waitFor({ state: 'detached' })
      await page.getByText(`Đã chấm điểm thấp nhất cho ${count} tiêu chí đơn vị không tự chấm.`).first().waitFor()
      const figures = page.locator('[data-field="1"] [data-testid="field-figures"]')
      await page.waitForFunction(([element, scored]) => new RegExp(`${scored}/${scored + 1} tiêu chí đã thẩm định`).test(element?.textContent ?? ''), [await figures.elementHandle(), count] as const)
      assert(await page.locator(`[data-leaf="${ASKED}"] [data-testid="leaf-state"]`).innerText() === 'Chưa thẩm định', `leaf ${ASKED}, asked to supplement, was scored`)
      await page.locator('[data-field="1"] [data-testid="field-awaiting"]').getByText('1 tiêu chí đang yêu cầu bổ sung').waitFor()
      assert(await notice.getByRole('button').count() === 0, 'the action is still offered with nothing left to score')
      assert(await action.count() === 0 || !(await action.isVisible()), 'the action is still shown')
      assert(await page.evaluate('document.activeElement?.tagName') !== 'BODY', 'focus was lost after the dialog closed')
    } finally {
      await page.close()
    }
  })
  await c.check('the desk offers the lowest score for every unit that never self-assessed, in one go with one reason', async () => {
    const code = `${ROUND_CODE}-2`
    // Sở Công Thương is asked about one leaf: it is left to its own screen, which knows which leaf.
    const { roundId, unitIds } = await setUpRound(c, code, ['SO-NV', 'SO-TP', 'SO-CT'])
    await askAbout(c, roundId, unitIds[2] as string, ASKED)
    const page = await c.newPage()
    try {
      await c.login(page, APPRAISER, c.demoPassword, 'Thẩm định')
      await page.goto(`${c.baseUrl}/admin/appraisal?round=${roundId}`)
      const offer = page.getByTestId('desk-unanswered')
      await offer.getByText('2 đơn vị không tự chấm tiêu chí nào').waitFor()
      await offer.getByText('1 đơn vị khác cũng không tự chấm nhưng đang có yêu cầu bổ sung').waitFor()
      const count = (unit: string) => page.locator(`[data-unit="${unit}"] [data-label="LV1"] .count`)
      const leaves = Number((await count('SO-NV').innerText()).split('/')[1])
      assert(leaves > 5 && (await count('SO-TP').innerText()).trim() === `0/${leaves}`, 'the desk does not show both units at 0')
      assert((await offer.innerText()).includes(`${2 * leaves} tiêu chí thuộc lĩnh vực của bạn`), 'the offer does not count the leaves left')
      await offer.getByRole('button', { name: 'Chấm điểm thấp nhất cho các tiêu chí chưa thẩm định của 2 đơn vị…' }).click()
      const dialog = page.getByRole('dialog', { name: 'Chấm điểm thấp nhất: 2 đơn vị không tự đánh giá' })
      await assertAccessible(page, 'the desk\'s lowest-score dialog')
      await dialog.getByLabel('Lý do').fill('Đơn vị không nộp bản tự đánh giá trước khi hết hạn.')
      await dialog.getByRole('button', { name: `Chấm ${2 * leaves} tiêu chí của 2 đơn vị` }).click()
      await dialog.waitFor({ state: 'detached' })
      await page.getByText(`Đã chấm điểm thấp nhất cho ${2 * leaves} tiêu chí của 2 đơn vị không tự đánh giá.`).first().waitFor()
      await count('SO-NV').getByText(`${leaves}/${leaves}`).waitFor()
      await count('SO-TP').getByText(`${leaves}/${leaves}`).waitFor()
      assert((await count('SO-CT').innerText()).trim() === `0/${leaves}`, 'the unit asked about was scored too')
      await offer.waitFor({ state: 'detached' })
      assert(await page.evaluate('document.activeElement?.id') === 'desk-units-title', 'focus did not go to the list once the offer was gone')
      await c.screenshot('appraisal-desk-unanswered', false, page)
    } finally {
      await page.close()
    }
  })
}
