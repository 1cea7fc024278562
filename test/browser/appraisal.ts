// Browser checks of the appraiser's screens (Thẩm định): the desk and one unit's appraisal, as a demo appraiser would
// use them, then the same unit read-only for the admin. Set-up goes through the API (a small department round of
// its own, so the demo's open round is left to the other checks); after it, only the screens.
// The steps that work on any round (openUnitAppraisal, acceptField, …) are in appraisal-steps.ts, the round's set-up
// through the API in appraisal-setup.ts.
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import type { Page } from 'playwright-core'
import { acceptField, askSupplement, closeSupplement, leafOf, openUnitAppraisal, overrideLeaf, requestItem, vietnamTime, waitForLeafState } from './appraisal-steps.js'
import { appraisalKeptChecks } from './appraisal-kept.js'
import { APPRAISER, PDF_NAME, ROUND_CODE, UNITS, answerAsOfficer, setUpRound } from './appraisal-setup.js'
import { assert, assertAccessible, horizontalOverflow, type BrowserChecks } from './checks.js'

const PHONE = { width: 390, height: 844 }
/** The leaf that has the focus (evaluated in the page). */
const FOCUSED_LEAF = 'document.activeElement?.getAttribute("data-leaf") ?? null'

// ---------------------------------------------------------------------------------------------------------------
// The checks

async function fitsPhone (page: Page, where: string): Promise<void> {
  const size = page.viewportSize()
  await page.setViewportSize(PHONE)
  try {
    const overflow = await horizontalOverflow(page)
    assert(overflow === 0, `${where} scrolls sideways by ${overflow}px at 390×844`)
    await assertAccessible(page, `${where} at 390×844`)
  } finally {
    if (size) await page.setViewportSize(size)
  }
}

export async function appraisalChecks (c: BrowserChecks): Promise<void> {
  const { check, waitUntil } = c
  let roundId = ''
  let unitIds = {} as Record<keyof typeof UNITS, string>
  let page: Page | undefined
  const shoot = (target: Page, name: string, fullPage = false) => target.screenshot({ path: `test-output/screenshots/${name}.png`, fullPage })

  await check('appraisal set-up: a department round in appraisal with three submitted units (API)', async () => {
    ({ roundId, unitIds } = await setUpRound(c))
  })

  await check('a demo appraiser lands on the desk: the units of the round with their progress in field 1', async () => {
    page = await c.newPage({ width: 1440, height: 900 })
    await c.login(page, APPRAISER, c.demoPassword, 'Thẩm định')
    const select = page.getByLabel('Kỳ đánh giá', { exact: true })
    const value = await select.locator('option').filter({ hasText: `${ROUND_CODE} –` }).getAttribute('value')
    await select.selectOption(value ?? '')
    const rows = page.locator('[data-testid="desk-table"] tbody tr')
    await waitUntil('the three units are listed', async () => await rows.count() === 3)
    for (const unit of Object.values(UNITS)) {
      const text = await rows.filter({ hasText: unit.name }).innerText()
      assert(text.includes('Đã nộp') && /0\/1\d/.test(text) && text.includes('Chưa thẩm định'), `the row of ${unit.name} says "${text}"`)
    }
    assert((await page.getByTestId('desk-assignments').innerText()).includes('Công tác chỉ đạo, điều hành CCHC'), 'the appraiser\'s field is not named')
    assert(await page.getByTestId('desk-done').innerText() === '0 / 3', 'the desk counts units already done')
    // Each unit names its row for a screen reader.
    const heads = rows.locator('th[scope="row"]:first-child')
    assert(await heads.count() === 3 && (await heads.allInnerTexts()).every((text) => Object.values(UNITS).some((unit) => text.startsWith(unit.name))), 'the units do not head their rows')
    await shoot(page, 'appraisal-01-desk')
    await fitsPhone(page, 'the desk')
  })

  await check('while units still self-assess, the desk opens only the units that have submitted, and a unit\'s next and previous step through those alone', async () => {
    assert(page, 'no appraiser tab')
    const select = page.getByLabel('Kỳ đánh giá', { exact: true })
    const open = await select.locator('option').filter({ hasText: 'Đang tự đánh giá' }).first().getAttribute('value')
    assert(open, 'the demo round in self-assessment is not offered')
    await select.selectOption(open)
    await page.getByTestId('desk-not-yet').waitFor()
    const rows = page.locator('[data-testid="desk-table"] tbody tr')
    await waitUntil('the round\'s units are listed', async () => await rows.count() > 3)
    const texts = await rows.allInnerTexts()
    const linked = await rows.evaluateAll((items) => items.map((row) => row.querySelector('a.unit-link') !== null))
    assert(texts.some((text) => text.includes('Đã nộp')) && texts.some((text) => !text.includes('Đã nộp')), 'the demo round has no mix of submitted and unsubmitted units')
    texts.forEach((text, index) => assert(linked[index] === text.includes('Đã nộp'), `the row "${text.split('\n')[0]}" is ${linked[index] ? '' : 'not '}a link`))
    const submitted = texts.filter((text) => text.includes('Đã nộp')).map((text) => text.split('\n')[0]?.trim())
    await rows.locator('a.unit-link').first().click()
    await page.getByTestId('read-only').waitFor()
    const next = page.getByTestId('unit-next')
    if (await next.count() > 0) {
      const nextName = (await next.innerText()).replace(/\s*›$/, '')
      assert(submitted.includes(nextName), `the next unit "${nextName}" has not submitted`)
    }
    await page.goBack()
    await select.selectOption(roundId)
    await waitUntil('the test round\'s three units are back', async () => await rows.count() === 3)
  })

  await check('the desk filters by state, unit type and name, and keeps the filters in the address', async () => {
    assert(page, 'no appraiser tab')
    const rows = page.locator('[data-testid="desk-table"] tbody tr')
    await page.getByLabel('Trạng thái').selectOption('finalized')
    await waitUntil('no unit is finalized', async () => await rows.count() === 0)
    await page.getByText('Không có đơn vị nào phù hợp với bộ lọc.').waitFor()
    await page.getByLabel('Trạng thái').selectOption('todo')
    await waitUntil('three units are still to appraise', async () => await rows.count() === 3)
    await page.getByLabel('Tìm đơn vị').fill('y te')
    await waitUntil('only Sở Y tế is left', async () => await rows.count() === 1 && (await rows.innerText()).includes(UNITS.b.name))
    const query = new URL(page.url()).searchParams
    assert(query.get('state') === 'todo' && query.get('q') === 'y te' && query.get('round') === roundId, `the address is ${page.url()}`)
    await page.reload()
    await waitUntil('the filters survive a reload', async () => await rows.count() === 1 && await page!.getByLabel('Tìm đơn vị').inputValue() === 'y te')
    await page.getByRole('button', { name: 'Xóa bộ lọc' }).click()
    await waitUntil('the three units are back', async () => await rows.count() === 3)
  })

  await check('a unit\'s previous and next step through the desk\'s filtered list; opened from a link, through its unit type', async () => {
    assert(page, 'no appraiser tab')
    const rows = page.locator('[data-testid="desk-table"] tbody tr')
    const position = page.getByTestId('unit-position')
    await page.getByLabel('Tìm đơn vị').fill('so')
    await waitUntil('the two departments coded SO- are listed', async () => await rows.count() === 2)
    await page.getByTestId('desk-table').getByRole('link', { name: UNITS.a.name, exact: true }).click()
    await page.getByRole('heading', { level: 1, name: UNITS.a.name }).waitFor()
    await waitUntil('the unit is the first of the two', async () => await position.innerText() === '1 / 2')
    assert(await page.getByTestId('unit-previous').count() === 0, 'the first unit of the list has a previous one')
    await page.getByTestId('unit-next').click()
    await page.getByRole('heading', { level: 1, name: UNITS.b.name }).waitFor()
    await waitUntil('the next unit is the second of the two', async () => await position.innerText() === '2 / 2')
    assert(await page.getByTestId('unit-next').count() === 0, `the last unit of the filtered list leads on to "${await page.getByTestId('unit-next').innerText().catch(() => '')}"`)
    assert((await page.getByTestId('unit-previous').innerText()).includes(UNITS.a.name), 'the previous unit is not the first of the list')
    // The keyboard: p the previous unit, n the next one.
    await page.keyboard.press('p')
    await page.getByRole('heading', { level: 1, name: UNITS.a.name }).waitFor()
    await waitUntil('p went back to the first of the two', async () => await position.innerText() === '1 / 2')
    await page.keyboard.press('n')
    await page.getByRole('heading', { level: 1, name: UNITS.b.name }).waitFor()
    // A link opened anew (no desk in this page's memory): the round's units of the same type.
    await page.goto(`${c.baseUrl}/admin/rounds/${roundId}/units/${unitIds.c}/appraisal`)
    await page.getByRole('heading', { level: 1, name: UNITS.c.name }).waitFor()
    await waitUntil('the unit is the last of the three departments', async () => await position.innerText() === '3 / 3')
    assert((await page.getByTestId('unit-previous').innerText()).includes(UNITS.b.name), 'the unit before Thanh tra tỉnh is not Sở Y tế')
    // The page was loaded anew, so the desk opens without the filter.
    await page.getByRole('link', { name: '← Bàn thẩm định' }).click()
    await waitUntil('the three units are back', async () => await rows.count() === 3 && await page!.getByLabel('Tìm đơn vị').inputValue() === '')
  })

  await check('on a unit the appraiser accepts the whole field; the totals and the gap come from the server', async () => {
    assert(page, 'no appraiser tab')
    await page.getByTestId('desk-table').getByRole('link', { name: UNITS.a.name, exact: true }).click()
    await page.getByRole('heading', { level: 1, name: UNITS.a.name }).waitFor()
    // Self-assessed 1.5 below the maximum (1.1.2 at 0.5 of 1, 1.3.3 at 1 of 1.5).
    const self = await leafOf(page, '1.1.2').getByTestId('self-answer').innerText()
    assert(self.includes('0,5 điểm'), `the unit's answer of 1.1.2 reads "${self}"`)
    assert(await page.getByTestId('done-next').count() === 0, 'the next unit is offered before this one is done')
    await acceptField(page, '1')
    await waitUntil('the gap over the appraised leaves is 0', async () => await page!.getByTestId('total-gap').innerText() === '0')
    await waitForLeafState(page, '1.1.2', 'Đã lưu')
    // The appraiser's field is done here: the next unit of the desk's list is offered.
    await waitUntil('the next unit is offered', async () => (await page!.getByTestId('done-next').innerText().catch(() => '')).includes(UNITS.b.name))
    // "Chấp nhận điểm của đơn vị" with nothing left to take stays in the Tab order and says why it does nothing.
    const acceptButton = leafOf(page, '1.1.1').locator('[data-accept]')
    const acceptFocused = () => acceptButton.evaluate((element) => element === (element as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)
    await leafOf(page, '1.1.1').focus()
    for (let step = 0; step < 12 && !await acceptFocused(); step++) await page.keyboard.press('Tab')
    assert(await acceptFocused(), 'Tab does not reach "Chấp nhận điểm của đơn vị" of an accepted leaf')
    assert(await acceptButton.getAttribute('aria-disabled') === 'true', 'the accept of an accepted leaf is not said to be unavailable')
    const why = leafOf(page, '1.1.1').locator(`[id="${await acceptButton.getAttribute('aria-describedby')}"]`)
    await why.waitFor()
    assert(await why.innerText() === 'Điểm thẩm định đã bằng điểm của đơn vị.', `the accept's description reads "${await why.innerText()}"`)
    await page.keyboard.press('Space')
    assert(await acceptFocused(), 'pressing the unavailable accept moved the focus')
    await waitForLeafState(page, '1.1.1', 'Đã lưu')
    await assertAccessible(page, 'the appraisal screen')
  })

  await check('overriding a leaf: the form asks for the reason first, then saves; the gap moves', async () => {
    assert(page, 'no appraiser tab')
    await overrideLeaf(page, '1.3.3', { value: 0.5 }, 'Báo cáo kiểm tra chỉ có 1 trong 2 đợt theo kế hoạch.')
    await waitUntil('the gap shows +0,5 (self 1, appraised 0.5)', async () => await page!.getByTestId('total-gap').innerText() === '+0,5')
    const figures = await page.locator('[data-field="1"] [data-testid="field-gap"]').innerText()
    assert(figures === '+0,5', `the field's gap reads "${figures}"`)
  })

  await check('the appraiser downloads the unit\'s appraisal sheet: the overridden leaf with both scores, the difference and the reason', async () => {
    assert(page, 'no appraiser tab')
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải bảng thẩm định (Excel)' }).click()])
    assert(/^tham-dinh-.+\.xlsx$/.test(download.suggestedFilename()), `the sheet is named ${download.suggestedFilename()}`)
    const path = join(c.work, download.suggestedFilename())
    await download.saveAs(path)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.readFile(path)
    let cells: ExcelJS.CellValue[] = []
    workbook.getWorksheet('Thẩm định')?.eachRow((row) => {
      if (row.getCell(1).value === '1.3.3') cells = [4, 5, 6, 8].map((column) => row.getCell(column).value)
    })
    assert(JSON.stringify(cells) === JSON.stringify([1, 0.5, 0.5, 'Báo cáo kiểm tra chỉ có 1 trong 2 đợt theo kế hoạch.']), `1.3.3 in the sheet: ${JSON.stringify(cells)}`)
  })

  await check('the unit\'s PDF opens in place beside the answers', async () => {
    assert(page, 'no appraiser tab')
    await leafOf(page, '1.1.1').getByRole('button', { name: new RegExp(PDF_NAME.replace('.', '\\.')) }).click()
    const frame = page.getByTestId('evidence-preview-pdf')
    await frame.waitFor()
    const src = await frame.getAttribute('src') ?? ''
    assert(src.startsWith('blob:'), `the PDF frame shows ${src}`)
    await page.getByTestId('side-panel').getByText(PDF_NAME).first().waitFor()
    await shoot(page, 'appraisal-02-unit')
  })

  await check('the history of the overridden leaf says who changed what and why, in Vietnamese', async () => {
    assert(page, 'no appraiser tab')
    await leafOf(page, '1.3.3').getByRole('button', { name: 'Lịch sử tiêu chí 1.3.3' }).click()
    const history = page.getByTestId('leaf-history')
    await history.waitFor()
    await waitUntil('the override and the acceptance are listed', async () => {
      const text = await history.innerText()
      return text.includes('Lưu điểm thẩm định') && text.includes('Báo cáo kiểm tra chỉ có 1 trong 2 đợt') &&
        text.includes('1 điểm → 0,5 điểm') && text.includes('Chấp nhận điểm của đơn vị') && text.includes('Lê Minh Hà')
    })
    await shoot(page, 'appraisal-03-history')
  })

  await check('the side panel opened for a leaf takes the focus and keeps to that leaf while the focus passes others; Esc and "Ẩn khung" bring the focus back', async () => {
    assert(page, 'no appraiser tab')
    const title = page.locator('#panel-title')
    const titleFocused = async () => await page!.evaluate('document.activeElement?.id ?? null') === 'panel-title'
    // h on a leaf: the panel beside the leaves has the focus (it comes after every leaf in the page).
    await leafOf(page, '1.1.2').focus()
    await page.keyboard.press('h')
    await waitUntil('the panel\'s title has the focus', titleFocused)
    assert(await title.innerText() === 'Tiêu chí 1.1.2', `the panel is about "${await title.innerText()}"`)
    // Esc: back to the leaf; the panel stays beside it.
    await page.keyboard.press('Escape')
    await waitUntil('1.1.2 has the focus again', async () => await page!.evaluate(FOCUSED_LEAF) === '1.1.2')
    assert(await page.getByTestId('side-panel').isVisible(), 'Esc hid the panel beside the leaves')
    // Tab on through the next leaves: each becomes the current one, but the panel keeps to the leaf it was opened for.
    for (let step = 0; step < 15; step++) await page.keyboard.press('Tab')
    const passed = await page.locator('.appraisal-leaf.current').getAttribute('data-leaf')
    assert(passed !== null && passed !== '1.1.2', `15 Tabs did not leave 1.1.2 (current: ${passed})`)
    assert(await title.innerText() === 'Tiêu chí 1.1.2', `passing ${passed}, the panel turned to "${await title.innerText()}"`)
    // Moving on with the leaf keys is choosing a leaf: the panel follows again.
    await page.keyboard.press('Alt+ArrowDown')
    await waitUntil('the panel follows the leaf moved to', async () => {
      const moved = await page!.evaluate(FOCUSED_LEAF) as string | null
      return moved !== null && moved !== passed && await title.innerText() === `Tiêu chí ${moved}`
    })
    // t opens the leaf's file with the focus in the panel; "Ẩn khung" hides it and the focus is back on the leaf.
    await leafOf(page, '1.1.1').focus()
    await page.keyboard.press('t')
    await waitUntil('the panel\'s title has the focus after t', titleFocused)
    await page.getByTestId('evidence-preview-pdf').waitFor()
    await page.getByTestId('side-panel').getByRole('button', { name: /^Ẩn khung/ }).click()
    await page.getByTestId('side-panel').waitFor({ state: 'detached' })
    await waitUntil('1.1.1 has the focus after "Ẩn khung"', async () => await page!.evaluate(FOCUSED_LEAF) === '1.1.1')
    await page.getByRole('button', { name: 'Hiện khung tài liệu' }).click()
    await waitUntil('the panel is back with the focus', titleFocused)
  })

  await check('the keyboard moves between leaves, accepts with Enter and enters a score', async () => {
    assert(page, 'no appraiser tab')
    await openUnitAppraisal(page, UNITS.b.name)
    await page.getByText('Enter').first().waitFor()
    // Opened, the leaf to resume at (the first not appraised) has the focus: the keys work without a click.
    await waitUntil('1.1.1 has the focus on opening', async () => await page!.evaluate(FOCUSED_LEAF) === '1.1.1')
    // The leaf names its keys to a screen reader, and the hint says how its user reaches the letters.
    const shortcuts = (await leafOf(page, '1.1.1').getAttribute('aria-keyshortcuts') ?? '').split(' ')
    assert(['j', 'k', 'Enter', 'd', 'l', 't', 'h', 'x', 'Alt+ArrowDown'].every((key) => shortcuts.includes(key)), `the leaf's aria-keyshortcuts are "${shortcuts.join(' ')}"`)
    assert((await page.locator('.key-hints').innerText()).includes('NVDA+Space'), 'the hint does not say how a screen reader\'s user reaches the letter keys')
    // x ticks the leaf, and the count of ticked leaves is a polite live region (a screen reader says it).
    await page.keyboard.press('x')
    await page.getByRole('status').filter({ hasText: /^Đã chọn 1 tiêu chí để yêu cầu bổ sung$/ }).waitFor()
    await page.keyboard.press('x')
    await page.getByRole('status').filter({ hasText: /^Đã chọn 0 tiêu chí để yêu cầu bổ sung$/ }).waitFor()
    await page.keyboard.press('j')
    await waitUntil('1.1.2 is the current leaf and has the focus', async () =>
      await page!.evaluate(FOCUSED_LEAF) === '1.1.2')
    await page.keyboard.press('Alt+ArrowDown')
    await page.keyboard.press('k')
    await waitUntil('back on 1.1.2', async () => await page!.evaluate(FOCUSED_LEAF) === '1.1.2')
    // Enter accepts the unit's score and goes on to the next leaf.
    await page.keyboard.press('Enter')
    await waitForLeafState(page, '1.1.2', 'Đã lưu')
    await waitUntil('1.1.3 has the focus', async () => await page!.evaluate(FOCUSED_LEAF) === '1.1.3')
    await page.keyboard.press('d')
    const box = leafOf(page, '1.1.3').getByLabel('Điểm thẩm định tiêu chí 1.1.3')
    await waitUntil('the score box of 1.1.3 has the focus', async () => await box.evaluate((element) => element === (element as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement))
    await page.keyboard.type('1')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Escape')
    await waitForLeafState(page, '1.1.3', 'Đã lưu')
    await waitUntil('the focus is back on the leaf', async () => await page!.evaluate(FOCUSED_LEAF) === '1.1.3')
    // On a control a letter is the control's (a screen reader in focus mode passes letters on): j on the leaf's
    // checkbox moves nowhere.
    await leafOf(page, '1.1.3').locator('[data-leaf-select]').focus()
    await page.keyboard.press('j')
    await page.keyboard.press('Escape')
    assert(await page.locator('.appraisal-leaf.current').getAttribute('data-leaf') === '1.1.3', 'j on a checkbox moved to another leaf')
    // A number the leaf cannot read stays on the leaf with its message; Ctrl+S does not send it (the server's schema
    // refusal used to replace the leaf's own message).
    const patches: string[] = []
    const onRequest = (request: { method: () => string, url: () => string }) => { if (request.method() === 'PATCH' && request.url().includes('/appraisal')) patches.push(request.url()) }
    page.on('request', onRequest)
    await box.fill('0,50,5')
    await box.press('Tab')
    await leafOf(page, '1.1.3').getByTestId('leaf-problem').waitFor()
    const said = await leafOf(page, '1.1.3').getByTestId('leaf-problem').innerText()
    await page.keyboard.press('Control+s')
    await page.waitForTimeout(1500)
    page.off('request', onRequest)
    assert(patches.length === 0, `Ctrl+S sent the unreadable number (${patches.length} PATCH)`)
    assert(await leafOf(page, '1.1.3').getByTestId('leaf-problem').innerText() === said, 'the leaf\'s own message was replaced')
    await box.fill('1')
    await box.press('Enter')
    await waitForLeafState(page, '1.1.3', 'Đã lưu')
    // The accept button, pressed, leaves the focus on its leaf (the button is disabled once the score is taken).
    await leafOf(page, '1.1.4').locator('[data-accept]').focus()
    await page.keyboard.press('Space')
    await waitForLeafState(page, '1.1.4', 'Đã lưu')
    await waitUntil('the focus is on leaf 1.1.4, not lost with the button', async () => await page!.evaluate(FOCUSED_LEAF) === '1.1.4')
    // Enter never replaces a score given with a reason: it says so, sends nothing and stays on the leaf.
    await overrideLeaf(page, '1.2.2', { value: 0 }, 'Không có báo cáo kiểm tra.')
    await leafOf(page, '1.2.2').focus()
    const accepts: string[] = []
    const onAccept = (request: { url: () => string }) => { if (request.url().endsWith('/accept-self')) accepts.push(request.url()) }
    page.on('request', onAccept)
    await page.keyboard.press('Enter')
    await page.getByText('Tiêu chí 1.2.2 đã có điểm thẩm định khác điểm của đơn vị: Enter không thay điểm đó.', { exact: false }).first().waitFor()
    page.off('request', onAccept)
    assert(accepts.length === 0, 'Enter sent an accept of a leaf scored with a reason')
    assert(await page.evaluate(FOCUSED_LEAF) === '1.2.2', 'Enter moved on from a leaf it did not accept')
    assert(await leafOf(page, '1.2.2').getByLabel(/^Lý do/).inputValue() === 'Không có báo cáo kiểm tra.', 'the reason given was replaced')
  })

  await check('a change made meanwhile in another tab is named, and nothing typed is lost (412)', async () => {
    assert(page, 'no appraiser tab')
    await openUnitAppraisal(page, UNITS.c.name)
    const other = await c.newPage({ width: 1440, height: 900 })
    await c.login(other, APPRAISER, c.demoPassword, 'Thẩm định')
    await openUnitAppraisal(other, UNITS.c.name, ROUND_CODE)
    // This tab types two scores other than the unit's; without reasons nothing is sent yet.
    for (const code of ['1.1.3', '1.2.2']) {
      const box = leafOf(page, code).getByLabel(`Điểm thẩm định tiêu chí ${code}`)
      await box.fill('0.75')
      await box.press('Enter')
      await leafOf(page, code).getByTestId('reason-needed').waitFor()
    }
    // Meanwhile the other tab accepts 1.1.2 and scores 1.2.2 itself.
    await leafOf(other, '1.1.2').getByRole('button', { name: 'Chấp nhận điểm của đơn vị cho tiêu chí 1.1.2' }).click()
    await waitForLeafState(other, '1.1.2', 'Đã lưu')
    await overrideLeaf(other, '1.2.2', { value: 0.5 }, 'Chỉ một phần kế hoạch được thực hiện.')
    // Back here the reasons go in: the save meets the newer version (the browser logs the 412), takes it, and says who
    // changed what.
    const notice = page.getByTestId('change-notice')
    await c.allowConsoleError(/status of 412/, async () => {
      await leafOf(page!, '1.1.3').getByLabel(/^Lý do/).fill('Chưa đủ báo cáo định kỳ.')
      await leafOf(page!, '1.2.2').getByLabel(/^Lý do/).fill('Kế hoạch thực hiện được ba phần tư.')
      await notice.waitFor()
    })
    assert((await notice.innerText()).includes('Lê Minh Hà'), `the notice says "${await notice.innerText()}"`)
    await waitForLeafState(page, '1.1.3', 'Đã lưu')
    await waitForLeafState(page, '1.1.2', 'Đã lưu')
    // 1.2.2 was changed by the other tab too: this tab keeps its typed value and asks.
    await waitForLeafState(page, '1.2.2', 'Xung đột')
    const problem = await leafOf(page, '1.2.2').getByTestId('leaf-problem').innerText()
    assert(problem.includes('Lê Minh Hà') && problem.includes('đã chấm tiêu chí này 0,5 điểm') && problem.includes('vẫn được giữ'), `the leaf says "${problem}"`)
    assert(await leafOf(page, '1.2.2').getByLabel('Điểm thẩm định tiêu chí 1.2.2').inputValue() === '0,75', 'the typed score is lost')
    await shoot(page, 'appraisal-05-conflict')
    await leafOf(page, '1.2.2').getByRole('button', { name: 'Lưu giá trị của tôi' }).click()
    await waitForLeafState(page, '1.2.2', 'Đã lưu')
    await other.reload()
    await leafOf(other, '1.2.2').getByTestId('leaf-state').waitFor()
    assert(await leafOf(other, '1.2.2').getByLabel('Điểm thẩm định tiêu chí 1.2.2').inputValue() === '0,75', 'the kept value was not saved')
    await other.close()
  })

  await appraisalKeptChecks(c, { roundCode: ROUND_CODE, appraiser: APPRAISER, unitName: UNITS.c.name })

  await check('asking for a supplement on two leaves with a reason and a due date', async () => {
    assert(page, 'no appraiser tab')
    await openUnitAppraisal(page, UNITS.a.name)
    await askSupplement(page, ['1.1.2', '1.3.3'], 'Bổ sung kế hoạch có chữ ký và báo cáo kiểm tra đợt 2.', vietnamTime(3))
    const item = page.getByTestId('supplement-list').locator('li').first()
    const text = await item.innerText()
    assert(text.includes('Chờ đơn vị bổ sung') && text.includes(`hạn ${vietnamTime(3)}`), `the request reads "${text}"`)
    await leafOf(page, '1.1.2').getByText('Chờ đơn vị bổ sung').waitFor()
    await fitsPhone(page, 'the appraisal screen')
    await page.setViewportSize(PHONE)
    await shoot(page, 'appraisal-04-phone')
    await page.setViewportSize({ width: 1440, height: 900 })
  })

  await check('a field-wide accept leaves a leaf that waits on a supplement request to the appraiser', async () => {
    assert(page, 'no appraiser tab')
    await openUnitAppraisal(page, UNITS.b.name)
    // The reason typed is kept when the dialog is closed by mistake; a due date past the round's supplement deadline
    // (20 days away) is said under its field before anything is sent.
    await leafOf(page, '1.3.3').getByRole('checkbox', { name: 'Chọn tiêu chí 1.3.3 để yêu cầu bổ sung' }).check()
    await page.getByTestId('ask-supplement').click()
    const dialog = page.getByRole('dialog', { name: 'Yêu cầu bổ sung tài liệu' })
    // Both fields say they are required, and the red star stays out of their names.
    for (const name of ['Lý do, tài liệu cần bổ sung', 'Hạn trả lời']) {
      const field = dialog.getByRole('textbox', { name, exact: true })
      assert(await field.count() === 1, `no field is named exactly "${name}" (the star in its name?)`)
      assert(await field.getAttribute('aria-required') === 'true', `"${name}" does not say it is required`)
    }
    await dialog.getByLabel('Lý do, tài liệu cần bổ sung').fill('Bổ sung quyết định ban hành kế hoạch.')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    await page.getByTestId('ask-supplement').click()
    assert(await dialog.getByLabel('Lý do, tài liệu cần bổ sung').inputValue() === 'Bổ sung quyết định ban hành kế hoạch.', 'the reason was lost when the dialog closed')
    // A date already past is the server's to refuse; the next try says only its own problem, not that one again.
    await dialog.getByLabel('Hạn trả lời').fill(vietnamTime(-1))
    await c.allowConsoleError(/status of 400/, async () => {
      await dialog.getByRole('button', { name: 'Gửi yêu cầu' }).click()
      await dialog.getByRole('alert').filter({ hasText: 'phải là thời điểm trong tương lai' }).waitFor()
    })
    await dialog.getByLabel('Hạn trả lời').fill(vietnamTime(25))
    await dialog.getByRole('button', { name: 'Gửi yêu cầu' }).click()
    const late = await dialog.getByRole('alert').innerText()
    assert(late.startsWith('Hạn trả lời không được sau hạn trả lời yêu cầu bổ sung của kỳ'), `a late due date reads "${late}"`)
    // A day alone is the end of that day, not its first minute.
    const dueDay = vietnamTime(3).slice(0, 10)
    await dialog.getByLabel('Hạn trả lời').fill(dueDay)
    await dialog.getByRole('button', { name: 'Gửi yêu cầu' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await requestItem(page, ['1.3.3']).getByText(`hạn ${dueDay} 23:59`).waitFor()
    const head = page.locator('[data-field="1"]')
    await head.getByTestId('field-awaiting').filter({ hasText: '1 tiêu chí đang yêu cầu bổ sung' }).waitFor()
    await page.locator('[data-accept-field="1"]').click()
    const figures = head.getByTestId('field-figures')
    await waitUntil('every leaf of field 1 but the requested one is appraised', async () => {
      const match = /(\d+)\/(\d+) tiêu chí đã thẩm định/.exec(await figures.innerText())
      return match !== null && Number(match[1]) === Number(match[2]) - 1
    })
    await waitForLeafState(page, '1.3.2', 'Đã lưu')
    assert(await leafOf(page, '1.3.3').getByTestId('leaf-state').innerText() === 'Chưa thẩm định', 'the leaf waiting on the request was accepted with the rest')
    assert(await page.locator('[data-accept-field="1"]').isDisabled(), 'the field offers to accept the waiting leaf')

    // Scoring that leaf by hand: a score above its maximum is said on the leaf, before any reason is asked for; a
    // score other than the unit's, typed and left with Tab, takes the focus to the reason box.
    const leaf = leafOf(page, '1.3.3')
    const box = leaf.getByLabel('Điểm thẩm định tiêu chí 1.3.3')
    await box.fill('5')
    await box.press('Enter')
    const problem = await leaf.getByTestId('leaf-problem').innerText()
    assert(problem === 'Điểm phải từ 0 đến 1,5.', `a score above the maximum reads "${problem}"`)
    assert(await leaf.getByTestId('reason-needed').count() === 0, 'a reason is asked for a score that cannot be saved')
    // Cleared, the leaf has no reason box again, so the next score meets the leaf as a fresh one: Tab out of the
    // score went to the leaf's buttons before the box appeared (where Space accepted the unit's score over it).
    await box.fill('')
    await box.press('Enter')
    await leaf.locator('[data-reason]').waitFor({ state: 'detached' })
    await box.fill('0,5')
    await box.press('Tab')
    await leaf.getByTestId('reason-needed').waitFor()
    const reasonBox = leaf.getByRole('textbox', { name: 'Lý do (điểm khác đơn vị)', exact: true })
    assert(await reasonBox.count() === 1, 'the reason box is not named exactly "Lý do (điểm khác đơn vị)" (the star in its name?)')
    assert(await reasonBox.getAttribute('aria-required') === 'true', 'the reason a different score needs is not said to be required')
    await waitUntil('the reason box has the focus', async () => await page!.evaluate('document.activeElement?.hasAttribute("data-reason") ?? false') === true)
    await page.keyboard.type('Chưa có quyết định ban hành kế hoạch.')
    await waitForLeafState(page, '1.3.3', 'Đã lưu')
    // Back to the unit whose request the next check answers.
    await openUnitAppraisal(page, UNITS.a.name)
  })

  await check('the unit answers (API) with a new score on 1.1.2; the open screen learns of it, the appraiser reviews the answer, the score before and the file, then closes the request', async () => {
    assert(page, 'no appraiser tab')
    await answerAsOfficer(c, roundId, unitIds.a, UNITS.a.code, 'Đã bổ sung Kế hoạch số 12/KH có chữ ký.', 0.75)
    // Back to the window (from the mail, the unit's PDF): the screen asks the server at once, without a reload.
    await page.evaluate("window.dispatchEvent(new Event('focus'))")
    const item = page.getByTestId('supplement-list').locator('li').first()
    await item.getByText('Chờ thẩm định lại').waitFor()
    await page.getByText(`${UNITS.a.name} đã trả lời yêu cầu bổ sung tiêu chí 1.1.2, 1.3.3`).waitFor()
    const notice = await page.getByTestId('change-notice').innerText()
    assert(notice.startsWith('Đơn vị vừa sửa điểm tự chấm của tiêu chí 1.1.2'), `the change notice reads "${notice}"`)
    const self = await leafOf(page, '1.1.2').getByTestId('self-answer').innerText()
    assert(self.includes('0,75 điểm'), `the unit's new score of 1.1.2 reads "${self}"`)
    await item.getByRole('button', { name: /^Xem xét/ }).click()
    await waitUntil('the panel\'s title has the focus', async () => await page!.evaluate('document.activeElement?.id ?? null') === 'panel-title')
    const review = page.getByTestId('supplement-review')
    await review.getByText('Đã bổ sung Kế hoạch số 12/KH có chữ ký.').waitFor()
    const before = await review.getByTestId('score-before').innerText()
    assert(before === 'Đơn vị đã sửa sau yêu cầu; trước đó: 0,5 điểm', `the score before the request reads "${before}"`)
    assert(await review.getByTestId('score-before').count() === 1, 'a leaf the unit left alone says it was changed')
    await review.getByRole('button', { name: 'Báo cáo bổ sung.pdf' }).click()
    await page.getByTestId('evidence-preview-pdf').waitFor()
    await assertAccessible(page, 'the appraisal screen with a PDF open')
    // Esc in the panel goes back to the "Xem xét" that opened it.
    await page.keyboard.press('Escape')
    await waitUntil('"Xem xét" has the focus again', async () => /^Xem xét/.test(await page!.evaluate('document.activeElement?.textContent?.trim() ?? ""') as string))
    await closeSupplement(page, ['1.1.2', '1.3.3'], 'Đã xem xét tài liệu bổ sung; giữ điểm thẩm định.')
  })

  await check('the admin sees the same unit read-only', async () => {
    const admin = await c.newPage({ width: 1440, height: 900 })
    await c.login(admin, 'admin', c.adminPassword, 'Tổng quan')
    await openUnitAppraisal(admin, UNITS.a.name, ROUND_CODE)
    await admin.getByTestId('read-only').waitFor()
    assert(await admin.getByRole('button', { name: /Chấp nhận điểm/ }).count() === 0, 'the admin is offered to accept scores')
    assert(await admin.getByTestId('ask-supplement').count() === 0, 'the admin is offered to ask for a supplement')
    assert(await admin.locator('[data-leaf] input, [data-leaf] textarea').count() === 0, 'the admin has inputs')
    const appraised = await leafOf(admin, '1.3.3').getByTestId('appraised-answer').innerText()
    assert(appraised.includes('0,5 điểm'), `the appraised score of 1.3.3 reads "${appraised}"`)
    await admin.getByText('Báo cáo kiểm tra chỉ có 1 trong 2 đợt theo kế hoạch.').waitFor()
    assert(await admin.locator('[data-field]').count() === 7, 'the admin does not see every field')
    await assertAccessible(admin, 'the appraisal screen read-only')
    // The round's progress screen leads to the same screen.
    await admin.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Kỳ đánh giá', exact: true }).click()
    await admin.getByRole('link', { name: ROUND_CODE, exact: true }).click()
    await admin.getByRole('link', { name: 'Tiến độ', exact: true }).click()
    await admin.getByTestId('progress-table').getByRole('link', { name: UNITS.b.name, exact: true }).click()
    await admin.getByRole('heading', { level: 1, name: UNITS.b.name }).waitFor()
    await admin.getByTestId('read-only').waitFor()
    await admin.close()
    await page?.close()
  })
}
