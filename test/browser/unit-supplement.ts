// A unit officer and a supplement request (a round in appraisal with a request on two district leaves): the landing card
// says it with its due date, the requested leaves reopen marked, the officer uploads, changes a score, answers, and the
// leaves lock again.
import { writeFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { samplePdf } from './appraisal-steps.js'
import { assert, holdSaves, type BrowserChecks } from './checks.js'
import { answerLeaf, answerSupplement, leafOf, openSelfAssessment, uploadEvidence, waitSaved } from './self-assessment-steps.js'
import { SUPPLEMENT, supplementRound } from './supplement-round.js'

interface UnitTools {
  /** unit.ts's check, which shoots its tabs when one fails. */
  check: (name: string, body: () => Promise<void>) => Promise<void>
  newTab: (viewport: { width: number, height: number }) => Promise<Page>
  shot: (page: Page, name: string) => Promise<void>
  pdfPath: string
  pdfName: string
}

export async function unitSupplementCheck (c: BrowserChecks, { check, newTab, shot, pdfPath, pdfName }: UnitTools): Promise<void> {
  await check('a supplement request reopens its leaves: the officer sees the reason, uploads, answers, and the leaves lock again', async () => {
    const { roundId } = await supplementRound(c)
    writeFileSync(pdfPath, samplePdf(['Ke hoach CCHC']))
    const page = await newTab({ width: 1280, height: 860 })
    await c.login(page, SUPPLEMENT.officer, c.demoPassword, 'Đơn vị của tôi')
    const card = page.getByRole('article', { name: SUPPLEMENT.title })
    await card.getByTestId('unit-requests').filter({ hasText: '1 yêu cầu bổ sung đang chờ' }).waitFor()
    const due = await card.getByTestId('unit-requests').innerText()
    assert(/đang chờ đơn vị trả lời, hạn \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} \(còn \d+ ngày \d+ giờ\)\./.test(due), `the request's due date reads "${due}"`)
    // Past self-assessment its deadline is not shown as one still to meet: only that the stage is over.
    const stage = await card.getByTestId('unit-deadline').innerText()
    assert(stage.includes('Giai đoạn tự đánh giá đã kết thúc') && !/\d{2}\/\d{2}\/\d{4}/.test(stage), `past self-assessment the card reads "${stage}"`)
    assert(!(await card.innerText()).includes('Hạn tự đánh giá của đơn vị'), 'the card still names a self-assessment deadline')
    await shot(page, 'unit-09-my-unit-request')
    await openSelfAssessment(page, SUPPLEMENT.title)
    // The screen says the same, with the due date the unit works to now: its open request's.
    await page.getByTestId('sa-supplement-due').waitFor()
    const line = await page.getByTestId('sa-deadline').innerText()
    assert(/^Giai đoạn tự đánh giá đã kết thúc\. Hạn trả lời yêu cầu bổ sung: \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} · còn \d+ ngày/.test(line), `past self-assessment the screen reads "${line}"`)
    const requests = page.getByTestId('supplement-requests')
    assert((await requests.innerText()).includes(SUPPLEMENT.reason), 'the appraiser\'s reason is not shown')
    await page.getByTestId('read-only-reason').filter({ hasText: 'chỉ các tiêu chí có yêu cầu bổ sung đang mở' }).waitFor()
    // The requested leaves are open and marked; the others stay locked.
    assert(await leafOf(page, '1.1.1').locator('input[type="radio"]').first().isEnabled(), 'a requested leaf is locked')
    assert((await leafOf(page, '1.1.1').getAttribute('class'))?.includes('sa-leaf-supplement'), 'a requested leaf is not marked')
    assert(await leafOf(page, '1.2.2').locator('input.leaf-number').isDisabled(), 'a leaf not requested is open')
    await requests.getByRole('link', { name: '1.1.2', exact: true }).click()
    await c.waitUntil('the leaf 1.1.2 has the focus', async () => await page.evaluate('document.activeElement?.closest("[data-leaf-code]")?.dataset.leafCode') === '1.1.2')
    await uploadEvidence(page, '1.1.1', pdfPath, pdfName)
    await answerLeaf(page, '1.1.2', 1)
    await waitSaved(page)
    await shot(page, 'unit-10-supplement')
    await answerSupplement(page, 'Đã bổ sung quyết định ban hành kế hoạch CCHC năm có chữ ký, đóng dấu.')
    await requests.getByText('Chờ thẩm định lại').waitFor()
    // Answered, nothing is due from the unit any more.
    await page.getByTestId('sa-supplement-due').waitFor({ state: 'detached' })
    // The form is gone with the answer: the focus is on the request's line with its new status, not lost to the page.
    await c.waitUntil('the focus is on the request\'s new status', async () =>
      String(await page.evaluate('document.activeElement?.closest(".supplement-head")?.textContent ?? ""')).includes('Chờ thẩm định lại'))
    await c.waitUntil('the requested leaves lock again', async () => await leafOf(page, '1.1.2').locator('input.leaf-number').isDisabled())
    const { token } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: SUPPLEMENT.officer, password: c.demoPassword } })
    const [request] = await c.api<{ status: string, answer: string }[]>(`/rounds/${roundId}/supplement-requests`, { token })
    assert(request?.status === 'answered' && request.answer.startsWith('Đã bổ sung'), `the server holds ${JSON.stringify(request)}`)
    await c.api('/auth/logout', { method: 'POST', token })
    await page.close()
  })

  await check('a supplement request counts down to its due time; when it passes, the screen locks its leaf and a save still on its way says it came too late', async () => {
    const { token } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: SUPPLEMENT.appraiser.username, password: SUPPLEMENT.appraiser.password } })
    const officer = await c.api<{ token: string, user: { unitId: string } }>('/auth/login', { method: 'POST', body: { username: SUPPLEMENT.officer, password: c.demoPassword } })
    const rounds = await c.api<{ items: { round: { id: string, code: string } }[] }>(`/units/${officer.user.unitId}/rounds`, { token: officer.token })
    const roundId = rounds.items.find((item) => item.round.code === SUPPLEMENT.code)?.round.id ?? ''
    const selfAssessment = () => c.api<{ leaves: { code: string, input: { value?: number } | null }[] }>(`/rounds/${roundId}/units/${officer.user.unitId}/self-assessment`, { token: officer.token })
    // Due 20 seconds from now: time to open the screen and type before it, and not long to wait for it.
    const request = await c.api<{ id: string }>(`/rounds/${roundId}/units/${officer.user.unitId}/supplement-requests`, {
      method: 'POST', token, body: { leafCodes: ['1.2.2'], reason: 'Bổ sung báo cáo kết quả kiểm tra.', dueAt: new Date(Date.now() + 20_000).toISOString() }
    })
    await c.api('/auth/logout', { method: 'POST', token })
    const page = await newTab({ width: 1280, height: 860 })
    await c.login(page, SUPPLEMENT.officer, c.demoPassword, 'Đơn vị của tôi')
    await openSelfAssessment(page, SUPPLEMENT.title)
    const block = page.locator(`#supplement-${request.id}`)
    const due = await block.getByTestId(`supplement-due-${request.id}`).innerText()
    assert(/Hạn trả lời: \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} · còn 0 phút \d+ giây/.test(due), `the request's due time reads "${due}"`)
    const box = leafOf(page, '1.2.2').locator('input.leaf-number')
    await answerLeaf(page, '1.2.2', 0.25)
    await waitSaved(page)
    // The next value's save is on its way when the due time comes (a slow connection): it reaches the server after.
    const release = await holdSaves(page, /\/self-assessment$/)
    await box.fill('0,5')
    await leafOf(page, '1.2.2').getByText('Đang lưu…').waitFor()
    await block.and(page.locator('[data-status="expired"]')).waitFor({ timeout: 40_000 })
    assert((await block.innerText()).includes('Quá hạn, không bổ sung'), `the request reads: ${await block.innerText()}`)
    await c.allowConsoleError(/status of 409/, async () => {
      release()
      await page.getByTestId('save-expired').waitFor({ timeout: 20_000 })
    })
    const notice = await page.getByTestId('save-expired').innerText()
    assert(notice.includes('Không lưu được giá trị đã nhập ở tiêu chí 1.2.2 vì đã quá hạn trả lời yêu cầu bổ sung') &&
      /Yêu cầu bổ sung cho tiêu chí 1\.2\.2 đã quá hạn trả lời lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}; tiêu chí không sửa được nữa\./.test(notice), `the notice reads: ${notice}`)
    assert(!notice.includes('Thẩm định'), `the notice gives the round's status as the reason: ${notice}`)
    await c.waitUntil('the leaf 1.2.2 locks', async () => await box.isDisabled())
    assert(await box.inputValue() === '0,5', 'the value typed is gone from the screen')
    await page.unroute(/\/self-assessment$/)
    const stored = (await selfAssessment()).leaves.find((leaf) => leaf.code === '1.2.2')
    assert(stored?.input?.value === 0.25, `the server holds ${JSON.stringify(stored?.input)}`)
    await c.api('/auth/logout', { method: 'POST', token: officer.token })
    await page.close({ runBeforeUnload: false })
  })
}
