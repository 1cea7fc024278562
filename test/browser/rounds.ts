// Browser checks of the rounds and progress screens (Kỳ đánh giá, Tiến độ): the demo 2020 round as it is, and a
// 2021 department round built through the screens (catalog, participants, deadlines, opening, extension, assignment).
// By the time these run, run.ts has published the imported TEST-2021 department catalog; the 2021 district catalog
// is still a draft. The demo 2020 round is only read.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { assert, horizontalOverflow, type BrowserChecks } from './checks.js'

const ROUND_CODE = 'KY-2021-THU'
const ROUND_TITLE = 'Kỳ đánh giá thử nghiệm năm 2021'
const DEPARTMENTS = 'Sở, ban, ngành cấp tỉnh'
const EXTENDED_UNIT = 'Sở Giao thông vận tải'
const APPRAISER = { username: 'thamdinh.tuphap', displayName: 'Nguyễn Văn Thẩm' }

/** dd/MM/yyyy of a day counted from today, in Vietnam time. */
function day (offsetDays: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' })
    .format(new Date(Date.now() + offsetDays * 86_400_000))
}

export async function roundChecks (c: BrowserChecks): Promise<void> {
  const { page, check, nav, heading, rows, screenshot, waitUntil } = c
  const notice = (text: string) => page.getByRole('status').getByText(text, { exact: true })
  const rowOf = (table: string, text: string) => rows(table).filter({ hasText: text })
  let roundUrl = ''

  await check('the rounds list shows the demo 2020 round, published, with its deadlines', async () => {
    await nav('Kỳ đánh giá').click()
    await heading('Kỳ đánh giá').waitFor()
    await waitUntil('the 2020 round is listed', async () => {
      const text = await rowOf('rounds-table', 'Kỳ đánh giá Chỉ số CCHC năm 2020').innerText()
      return text.includes('2020') && text.includes('Đã công bố') && text.includes('15/01/2021 17:00') && text.includes('20')
    })
    await screenshot('rounds-01-list')
  })

  await check('the demo 2020 round shows its catalog, participants and a link to its results, read-only', async () => {
    await page.getByRole('link', { name: '2020', exact: true }).click()
    await heading('Kỳ đánh giá Chỉ số CCHC năm 2020').waitFor()
    assert(await page.getByTestId('round-status').innerText() === 'Đã công bố', 'the status is not "Đã công bố"')
    assert(await page.getByTestId('round-selfAssessmentClosesAt').innerText() === '15/01/2021 17:00', 'the self-assessment deadline is wrong')
    assert(await page.getByTestId('round-appraisalClosesAt').innerText() === '15/02/2021 17:00', 'the appraisal deadline is wrong')
    const catalogRow = rowOf('round-catalogs-table', DEPARTMENTS)
    assert((await catalogRow.innerText()).includes('TH-2020-SO'), 'the department catalog is not TH-2020-SO')
    const results = catalogRow.getByRole('link', { name: `Xem kết quả ${DEPARTMENTS}` })
    const href = await results.getAttribute('href') ?? ''
    const roundId = /\/rounds\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? ''
    assert(href.includes(`/results?round=${roundId}&unitType=department`), `the results link is ${href}`)
    await waitUntil('20 participants are listed', async () => await rows('participants-table').count() === 20)
    // A published round offers no status move and no catalog choice.
    assert(await page.getByRole('button', { name: 'Mở tự đánh giá' }).count() === 0, 'a published round offers to open')
    assert(await page.getByLabel(`Bộ tiêu chí cho ${DEPARTMENTS}`).count() === 0, 'the catalog can still be chosen')
    await screenshot('rounds-02-demo-detail', true)
  })

  await check('the progress of the demo 2020 round: 20 departments submitted and finalized, with their self totals', async () => {
    await page.getByRole('link', { name: 'Tiến độ', exact: true }).click()
    await heading('Tiến độ kỳ đánh giá').waitFor()
    await waitUntil('20 unit rows are shown', async () => await rows('progress-table').count() === 20)
    assert(await page.getByTestId('progress-submitted').innerText() === '20 / 20', 'not 20 / 20 submitted')
    assert(await page.getByTestId('progress-overdue').innerText() === '0', 'some unit is overdue')
    assert(await page.getByTestId('progress-finalized').innerText() === '20 / 20', 'not 20 / 20 finalized')
    // Sở Giao thông vận tải scored itself 98.50 in the 2020 report.
    const row = await rowOf('progress-table', EXTENDED_UNIT).innerText()
    assert(row.includes('Đã nộp') && row.includes('98,5 / 100') && row.includes('Đã chốt'), `the row says "${row}"`)
    assert(/LV1 (\d+)\/\1/.test(row), `field 1 is not fully appraised in "${row}"`)
    await page.getByText('Không có yêu cầu bổ sung nào đang chờ xử lý.').waitFor()
    await screenshot('rounds-03-demo-progress')
  })

  await check('an admin creates a 2021 round, in draft', async () => {
    // An appraiser account to assign later, made through the API.
    const { token } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: 'admin', password: c.adminPassword } })
    await c.api('/users', { method: 'POST', token, body: { ...APPRAISER, role: 'appraiser', password: 'mat-khau-tham-dinh-1' } })
    await c.api('/auth/logout', { method: 'POST', token })

    await nav('Kỳ đánh giá').click()
    await heading('Kỳ đánh giá').waitFor()
    await page.getByRole('button', { name: '+ Tạo kỳ đánh giá' }).click()
    const dialog = page.getByRole('dialog', { name: 'Tạo kỳ đánh giá' })
    // The demo's newest round is this year's: a new one is suggested for the year after, not a code that exists.
    const thisYear = new Date().getFullYear()
    assert(await dialog.getByLabel('Năm đánh giá').inputValue() === String(thisYear + 1), `the suggested year is ${await dialog.getByLabel('Năm đánh giá').inputValue()}`)
    await dialog.getByLabel('Năm đánh giá').fill('2021')
    assert(await dialog.getByLabel('Mã kỳ').inputValue() === '2021', 'the code does not follow the year')
    await dialog.getByLabel('Mã kỳ').fill(ROUND_CODE)
    await dialog.getByLabel('Tên kỳ đánh giá').fill(ROUND_TITLE)
    await screenshot('rounds-04-create')
    await dialog.getByRole('button', { name: 'Lưu' }).click()
    await heading(ROUND_TITLE).waitFor()
    roundUrl = page.url()
    assert(await page.getByTestId('round-status').innerText() === 'Bản nháp', 'the new round is not a draft')
    assert(await page.getByTestId('round-selfAssessmentClosesAt').innerText() === 'Chưa đặt', 'a deadline is set already')
  })

  await check('the round\'s department catalog is chosen among the published 2021 catalogs', async () => {
    const select = page.getByLabel(`Bộ tiêu chí cho ${DEPARTMENTS}`)
    await waitUntil('TEST-2021 is offered', async () => (await select.locator('option').allInnerTexts()).some((text) => text.startsWith('TEST-2021')))
    const sameYear = await select.locator('optgroup[label="Năm 2021"] option').allInnerTexts()
    assert(sameYear.length === 1 && sameYear[0]?.startsWith('TEST-2021') === true, `the 2021 department catalogs offered are ${sameYear.join(', ')}`)
    // The 2021 district catalog is a draft, so none is offered for 2021.
    await rowOf('round-catalogs-table', 'UBND huyện').getByText('Chưa có bộ tiêu chí năm 2021 đã công bố cho loại đơn vị này.').waitFor()
    // The only 2021 department catalog is chosen already, said under it, for the admin to save.
    await rowOf('round-catalogs-table', DEPARTMENTS).getByTestId('catalog-suggested').waitFor()
    assert((await select.locator('option:checked').innerText()).startsWith('TEST-2021'), 'the only 2021 department catalog is not chosen already')
    await page.getByRole('button', { name: 'Lưu bộ tiêu chí' }).click()
    await notice('Đã lưu bộ tiêu chí của kỳ').waitFor()
    await page.reload()
    await heading(ROUND_TITLE).waitFor()
    await waitUntil('the choice is kept', async () => (await select.locator('option:checked').innerText()).startsWith('TEST-2021'))
  })

  await check('every active department is added to the round in one click', async () => {
    // Before: the round cannot open, and the dialog says why instead of offering a move the server would refuse.
    await page.getByRole('button', { name: 'Mở tự đánh giá' }).click()
    const opening = page.getByRole('dialog', { name: 'Mở kỳ cho đơn vị tự đánh giá' })
    await opening.getByTestId('transition-blocked').filter({ hasText: 'Kỳ đánh giá chưa có đơn vị tham gia.' }).waitFor()
    await opening.getByText('Sửa ở mục “Sửa thông tin” (các hạn), “Đơn vị tham gia” trên trang này', { exact: false }).waitFor()
    assert(await opening.getByText('Mở kỳ', { exact: false }).filter({ hasText: 'cho 0 đơn vị' }).count() === 0, 'the dialog describes opening to no unit')
    assert(await opening.getByRole('button', { name: 'Xác nhận chuyển' }).isDisabled(), 'a round with no units is offered to open')
    await opening.getByRole('button', { name: 'Hủy' }).click()
    await opening.waitFor({ state: 'hidden' })
    await page.getByRole('button', { name: `Thêm tất cả ${DEPARTMENTS}` }).click()
    await notice(`Đã thêm 20 đơn vị thuộc ${DEPARTMENTS}`).waitFor()
    await waitUntil('20 participants are listed', async () => await rows('participants-table').count() === 20)
    assert(await page.getByRole('button', { name: `Thêm tất cả ${DEPARTMENTS}` }).count() === 0, 'the departments can still be added')
    const counted = await rowOf('round-catalogs-table', DEPARTMENTS).locator('td.number').innerText()
    assert(counted === '20', `the catalog table counts ${counted} departments`)
  })

  const selfDeadline = `${day(3)} 17:00`
  const pastDeadline = `${day(-3)} 17:00`
  const setSelfDeadline = async (value: string, closesNow = false) => {
    await page.getByRole('button', { name: 'Sửa thông tin' }).click()
    const dialog = page.getByRole('dialog', { name: `Sửa kỳ đánh giá ${ROUND_CODE}` })
    await dialog.getByLabel('Hạn tự đánh giá').fill(value)
    // A deadline already past closes self-assessment at once: the form says so, and so does its button.
    assert(await dialog.getByTestId('round-closes-now').isVisible() === closesNow, `the warning of a past deadline is ${closesNow ? 'missing' : 'shown'} for ${value}`)
    await dialog.getByRole('button', { name: closesNow ? 'Lưu và kết thúc tự đánh giá ngay' : 'Lưu', exact: true }).click()
    await dialog.waitFor({ state: 'hidden' })
    await waitUntil(`the self-assessment deadline shows ${value}`, async () => await page.getByTestId('round-selfAssessmentClosesAt').innerText() === value)
  }
  const supplementDeadline = `${day(20)} 17:00`
  const appraisalDeadline = `${day(40)} 17:00`
  await check('deadlines out of order are refused with the server\'s reason; in order they are saved', async () => {
    await page.getByRole('button', { name: 'Sửa thông tin' }).click()
    const dialog = page.getByRole('dialog', { name: `Sửa kỳ đánh giá ${ROUND_CODE}` })
    await dialog.getByLabel('Hạn tự đánh giá').fill(selfDeadline)
    await dialog.getByLabel('Hạn trả lời yêu cầu bổ sung').fill(supplementDeadline)
    await dialog.getByLabel('Hạn thẩm định').fill(day(-10))
    await c.allowConsoleError(/status of 400/, async () => {
      await dialog.getByRole('button', { name: 'Lưu' }).click()
      await dialog.getByRole('alert').filter({ hasText: /Hạn thẩm định \(\d\d\/\d\d\/\d{4} \d\d:\d\d\) phải sau hạn tự đánh giá/ }).waitFor()
    })
    await screenshot('rounds-05-deadlines-refused')
    await dialog.getByLabel('Hạn thẩm định').fill('31/02/2021')
    await dialog.getByText('Nhập theo dạng 28/11/2025 17:00').waitFor()
    await dialog.getByLabel('Hạn thẩm định').fill(appraisalDeadline)
    await dialog.getByRole('button', { name: 'Lưu' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await waitUntil('the deadlines are shown', async () =>
      await page.getByTestId('round-selfAssessmentClosesAt').innerText() === selfDeadline &&
      await page.getByTestId('round-supplementClosesAt').innerText() === supplementDeadline &&
      await page.getByTestId('round-appraisalClosesAt').innerText() === appraisalDeadline)
  })

  await check('a round whose self-assessment deadline has passed does not open, and the server\'s reason is shown', async () => {
    await setSelfDeadline(pastDeadline)
    await page.getByRole('button', { name: 'Mở tự đánh giá' }).click()
    const dialog = page.getByRole('dialog', { name: 'Mở kỳ cho đơn vị tự đánh giá' })
    // The server's own check, asked as the dialog opens: the admin reads the reason before confirming anything.
    await dialog.getByTestId('transition-blocked').filter({ hasText: `Hạn tự đánh giá (${pastDeadline}) đã qua; hãy đặt hạn muộn hơn trước khi mở kỳ.` }).waitFor()
    assert(await dialog.getByRole('button', { name: 'Xác nhận chuyển' }).isDisabled(), 'a round that the server would refuse is offered to open')
    await screenshot('rounds-05b-open-refused')
    await dialog.getByRole('button', { name: 'Hủy' }).click()
    await dialog.waitFor({ state: 'hidden' })
    assert(await page.getByTestId('round-status').innerText() === 'Bản nháp', 'the round opened')
    await setSelfDeadline(selfDeadline)
  })

  await check('the round opens for self-assessment only after confirmation', async () => {
    await page.getByRole('button', { name: 'Mở tự đánh giá' }).click()
    let dialog = page.getByRole('dialog', { name: 'Mở kỳ cho đơn vị tự đánh giá' })
    await dialog.getByText(`Mở kỳ ${ROUND_CODE} cho 20 đơn vị tham gia tự đánh giá đến ${selfDeadline}`, { exact: false }).waitFor()
    assert(await dialog.getByTestId('transition-blocked').count() === 0, 'a round ready to open is said to be blocked')
    // Nobody appraises any field yet: the round may open, but the admin is told first, in the dialog and on the page.
    const warning = await dialog.getByTestId('transition-warning').innerText()
    assert(warning.startsWith(`Chưa có người thẩm định – ${DEPARTMENTS}: cả 7 lĩnh vực.`), `the dialog warns "${warning}"`)
    await dialog.getByRole('button', { name: 'Hủy' }).click()
    await dialog.waitFor({ state: 'hidden' })
    assert(await page.getByTestId('round-status').innerText() === 'Bản nháp', 'cancelling still opened the round')
    await page.getByRole('button', { name: 'Mở tự đánh giá' }).click()
    dialog = page.getByRole('dialog', { name: 'Mở kỳ cho đơn vị tự đánh giá' })
    await screenshot('rounds-06-open-confirm')
    await dialog.getByRole('button', { name: 'Xác nhận chuyển' }).click()
    await waitUntil('the status says "Đang tự đánh giá"', async () => await page.getByTestId('round-status').innerText() === 'Đang tự đánh giá')
    await notice(`Kỳ ${ROUND_CODE} đã chuyển sang “Đang tự đánh giá”`).waitFor()
    // Once open the catalog is fixed: it is shown as a link, no longer as a choice.
    assert(await page.getByLabel(`Bộ tiêu chí cho ${DEPARTMENTS}`).count() === 0, 'the catalog can still be chosen')
    await rowOf('round-catalogs-table', DEPARTMENTS).getByRole('link', { name: 'TEST-2021' }).waitFor()
    assert(await page.locator('[aria-current="step"]').innerText().then((text) => text.includes('Đang tự đánh giá')), 'the current step is not self-assessment')
  })

  await check('moving the round back needs a reason, and it can then open again', async () => {
    await page.getByRole('button', { name: 'Lùi về “Bản nháp”' }).click()
    const dialog = page.getByRole('dialog', { name: 'Lùi kỳ đánh giá về “Bản nháp”' })
    const submit = dialog.getByRole('button', { name: 'Lùi trạng thái' })
    assert(await submit.isDisabled(), 'the move back is possible without a reason')
    await dialog.getByLabel('Lý do').fill('Mở nhầm trước khi thông báo cho các đơn vị')
    await screenshot('rounds-07-back-with-reason')
    await submit.click()
    await waitUntil('the status says "Bản nháp"', async () => await page.getByTestId('round-status').innerText() === 'Bản nháp')
    await page.getByRole('button', { name: 'Mở tự đánh giá' }).click()
    await page.getByRole('dialog', { name: 'Mở kỳ cho đơn vị tự đánh giá' }).getByRole('button', { name: 'Xác nhận chuyển' }).click()
    await waitUntil('the status says "Đang tự đánh giá" again', async () => await page.getByTestId('round-status').innerText() === 'Đang tự đánh giá')
  })

  await check('an edit made meanwhile by another admin is not overwritten: the form says so, takes their change in the fields not touched, and saving again applies both', async () => {
    await page.getByRole('button', { name: 'Sửa thông tin' }).click()
    const dialog = page.getByRole('dialog', { name: `Sửa kỳ đánh giá ${ROUND_CODE}` })
    await dialog.getByLabel('Tên kỳ đánh giá').fill(`${ROUND_TITLE} (bản sửa)`)
    // Meanwhile another admin moves the appraisal deadline through the API.
    const laterAppraisal = `${day(45)} 17:00`
    const [dd, mm, yyyy] = day(45).split('/')
    const roundId = /\/rounds\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? ''
    const { token } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: 'admin', password: c.adminPassword } })
    await c.api(`/rounds/${roundId}`, { method: 'PATCH', token, body: { appraisalClosesAt: `${yyyy}-${mm}-${dd}T17:00:00+07:00` } })
    await c.api('/auth/logout', { method: 'POST', token })
    await c.allowConsoleError(/status of 412/, async () => {
      await dialog.getByRole('button', { name: 'Lưu' }).click()
      await dialog.getByRole('alert').filter({ hasText: 'Trong lúc bạn sửa, kỳ đánh giá đã được người khác thay đổi' }).waitFor()
    })
    await waitUntil('the page shows the other admin\'s deadline', async () => await page.getByTestId('round-appraisalClosesAt').innerText() === laterAppraisal)
    assert(await dialog.getByLabel('Hạn thẩm định').inputValue() === laterAppraisal, 'the field not touched did not take the other admin\'s deadline')
    assert(await dialog.getByLabel('Tên kỳ đánh giá').inputValue() === `${ROUND_TITLE} (bản sửa)`, 'the typed title was lost')
    // Saving again applies the title on the round as it is now; the other admin's deadline stays.
    await dialog.getByRole('button', { name: 'Lưu' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await heading(`${ROUND_TITLE} (bản sửa)`).waitFor()
    assert(await page.getByTestId('round-appraisalClosesAt').innerText() === laterAppraisal, 'saving again put the old deadline back')
    // The title back as the later checks know it.
    await page.getByRole('button', { name: 'Sửa thông tin' }).click()
    await dialog.getByLabel('Tên kỳ đánh giá').fill(ROUND_TITLE)
    await dialog.getByRole('button', { name: 'Lưu' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await heading(ROUND_TITLE).waitFor()
  })

  await check('while the round is open, its self-assessment deadline can be moved: here to three days ago, as if they had passed', async () => {
    await setSelfDeadline(pastDeadline, true)
  })

  const extensionUntil = `${day(10)} 17:00`
  await check('one unit gets an extension of its self-assessment; one before the round\'s deadline is refused', async () => {
    await rowOf('participants-table', EXTENDED_UNIT).getByRole('button', { name: `Gia hạn ${EXTENDED_UNIT}` }).click()
    const dialog = page.getByRole('dialog', { name: `Gia hạn tự đánh giá: ${EXTENDED_UNIT}` })
    await dialog.getByText(`Hạn tự đánh giá của kỳ: ${pastDeadline}`, { exact: false }).waitFor()
    await dialog.getByLabel('Gia hạn đến').fill(day(-5))
    await dialog.getByLabel('Lý do').fill('Đơn vị thay đổi cán bộ đầu mối CCHC')
    await c.allowConsoleError(/status of 400/, async () => {
      await dialog.getByRole('button', { name: 'Lưu gia hạn' }).click()
      await dialog.getByRole('alert').filter({ hasText: `Gia hạn đến: phải sau ${pastDeadline}` }).waitFor()
    })
    await dialog.getByLabel('Gia hạn đến').fill(extensionUntil)
    await dialog.getByRole('button', { name: 'Lưu gia hạn' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await waitUntil('the extension is shown on the unit', async () => {
      const text = await rowOf('participants-table', EXTENDED_UNIT).innerText()
      return text.includes(`Đến ${extensionUntil}`) && text.includes('Đơn vị thay đổi cán bộ đầu mối CCHC')
    })
    await screenshot('rounds-08-extension')
  })

  await check('an appraiser is assigned to a field of the department catalog', async () => {
    // The appraiser was created after the screen loaded its list of appraisers.
    await page.reload()
    await heading(ROUND_TITLE).waitFor()
    const fieldRow = rows('assignments-department').first()
    await waitUntil('field 1 is unassigned', async () => (await fieldRow.innerText()).includes('Chưa phân công'))
    await page.getByLabel(`Người thẩm định lĩnh vực 1 (${DEPARTMENTS})`).selectOption({ label: `${APPRAISER.displayName} (${APPRAISER.username})` })
    await page.getByRole('button', { name: `Phân công lĩnh vực 1 (${DEPARTMENTS})` }).click()
    await notice(`Đã phân công ${APPRAISER.displayName} thẩm định lĩnh vực 1 (${DEPARTMENTS})`).waitFor()
    await page.reload()
    await heading(ROUND_TITLE).waitFor()
    // The assigned people are the list items of a field's row (its select offers the others).
    await waitUntil('the assignment is kept', async () => {
      const people = await fieldRow.locator('li').allInnerTexts()
      return people.length === 1 && people[0]?.includes(`${APPRAISER.displayName} (${APPRAISER.username})`) === true
    })
    assert(await rows('assignments-department').nth(1).locator('li').count() === 0, 'field 2 is assigned too')
    const left = await page.getByTestId('unassigned-fields').innerText()
    assert(left.startsWith(`Chưa có người thẩm định – ${DEPARTMENTS}: lĩnh vực 2, 3, 4, 5, 6, 7.`), `the page warns "${left}"`)
    await page.locator('#assignments-title').evaluate((element) => element.scrollIntoView({ block: 'start' }))
    await screenshot('rounds-09-assignments')
  })

  await check('a new round takes the appraisers of the newest earlier round that has some, field by field, in one click', async () => {
    const { token } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: 'admin', password: c.adminPassword } })
    const demo = (await c.api<{ items: Array<{ id: string, code: string, year: number }> }>('/rounds?limit=1&offset=0', { token })).items[0]
    assert(demo, 'the demo has no round')
    const catalog = (await c.api<{ items: Array<{ id: string }> }>(`/catalogs?code=TH-${demo.year}-SO&limit=1&offset=0`, { token })).items[0]
    assert(catalog, `the demo catalog TH-${demo.year}-SO is missing`)
    const next = await c.api<{ id: string }>('/rounds', { method: 'POST', token, body: { code: `CHEP-${demo.year + 1}`, title: `Kỳ chép phân công ${demo.year + 1}`, year: demo.year + 1 } })
    await c.api(`/rounds/${next.id}/catalogs`, { method: 'PUT', token, body: { catalogs: [{ unitType: 'department', catalogId: catalog.id }] } })
    const here = `${c.baseUrl}/admin/rounds/${next.id}`
    await page.goto(here)
    await heading(`Kỳ chép phân công ${demo.year + 1}`).waitFor()
    await page.getByTestId('copy-assignments').click()
    await page.getByRole('status').getByText(`từ kỳ ${demo.code}`, { exact: false }).waitFor()
    await waitUntil('every field of the department catalog has its appraiser', async () => {
      const texts = await rows('assignments-department').allInnerTexts()
      return texts.length === 7 && texts.every((text) => !text.includes('Chưa phân công'))
    })
    assert(await page.getByTestId('copy-assignments').count() === 0, 'the copy is still offered once assignments exist')
    await page.goto(roundUrl)
  })

  await check('the progress of the new round highlights the units past their deadline, not the one with an extension; it says when a unit last saved, and nothing of an appraisal not yet begun', async () => {
    assert(page.url() === roundUrl, `the address is ${page.url()}`)
    // The extended unit's officer scores one leaf through the API, as the officer's screen would.
    const roundId = roundUrl.split('/').pop() ?? ''
    const { token } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: 'so-gtvt', password: c.demoPassword } })
    const participant = (await c.api<{ participants: Array<{ unitId: string, code: string }> }>(`/rounds/${roundId}`, { token })).participants.find((unit) => unit.code === 'SO-GTVT')
    assert(participant, 'SO-GTVT does not take part')
    const own = `/rounds/${roundId}/units/${participant.unitId}/self-assessment`
    const sheet = await c.api<{ version: number, leaves: Array<{ code: string, maxPoints: number, scoring: { method: string } }> }>(own, { token })
    const leaf = sheet.leaves.find((item) => item.scoring.method === 'range')
    assert(leaf, 'no range leaf to score')
    await c.api(own, { method: 'PATCH', token, headers: { 'if-match': `"${sheet.version}"` }, body: { entries: [{ leafCode: leaf.code, input: { value: 0 } }] } })
    await page.getByRole('link', { name: 'Tiến độ', exact: true }).click()
    await heading('Tiến độ kỳ đánh giá').waitFor()
    await waitUntil('20 unit rows are shown', async () => await rows('progress-table').count() === 20)
    assert(await page.getByTestId('progress-round-status').innerText() === 'Đang tự đánh giá', 'the round status is wrong')
    assert(await page.getByTestId('progress-submitted').innerText() === '0 / 20', 'some unit has submitted')
    assert(await page.getByTestId('progress-overdue').innerText() === '19', 'not 19 units are overdue')
    const extended = rowOf('progress-table', EXTENDED_UNIT)
    const text = await extended.innerText()
    assert(text.includes('Đang nhập') && !text.includes('Quá hạn') && text.includes(`Gia hạn đến ${extensionUntil}`), `the extended unit says "${text}"`)
    assert(/Lưu lần cuối \d\d\/\d\d\/\d{4} \d\d:\d\d/.test(text), `the extended unit's last save is not shown: "${text}"`)
    assert(text.includes('0 / 100') && text.includes('1/'), `the extended unit's totals say "${text}"`)
    // Appraisal has not begun: no column, tile, filter or list of it, only what self-assessment is about.
    assert(await page.getByRole('columnheader', { name: 'Thẩm định theo lĩnh vực' }).count() === 0, 'the appraisal column is shown during self-assessment')
    assert(await page.getByTestId('progress-finalized').count() === 0 && await page.getByLabel('Thẩm định', { exact: true }).count() === 0, 'appraisal tiles or filters are shown during self-assessment')
    assert(await page.getByRole('heading', { name: 'Yêu cầu bổ sung' }).count() === 0, 'the supplement requests are listed during self-assessment')
    assert(!(await extended.getAttribute('class') ?? '').includes('overdue'), 'the extended unit is highlighted')
    const other = rowOf('progress-table', 'Sở Tư pháp')
    assert((await other.innerText()).includes('Quá hạn'), 'Sở Tư pháp is not marked overdue')
    assert((await other.getAttribute('class') ?? '').includes('overdue'), 'Sở Tư pháp is not highlighted')
    await screenshot('rounds-10-progress')
    await page.getByLabel('Tự đánh giá').selectOption('overdue')
    await waitUntil('19 overdue units are listed', async () => await rows('progress-table').count() === 19)
    await page.getByLabel('Tự đánh giá').selectOption('')
    await page.getByLabel('Tìm đơn vị').fill('giao thong')
    await waitUntil('only the extended unit is listed', async () => {
      const texts = await rows('progress-table').allInnerTexts()
      return texts.length === 1 && texts[0]?.includes(EXTENDED_UNIT) === true
    })
    await page.getByLabel('Tìm đơn vị').fill('')
  })

  await check('appraisal does not begin while the extended unit may still submit; with its extension withdrawn it does', async () => {
    await page.goto(roundUrl)
    await heading(ROUND_TITLE).waitFor()
    await page.getByRole('button', { name: 'Chuyển sang thẩm định' }).click()
    const move = page.getByRole('dialog', { name: 'Chuyển sang giai đoạn thẩm định' })
    await move.getByTestId('transition-blocked').filter({ hasText: '1 đơn vị chưa nộp và vẫn còn hạn tự đánh giá: SO-GTVT' }).waitFor()
    assert(await move.getByRole('button', { name: 'Xác nhận chuyển' }).isDisabled(), 'a move the server would refuse is offered')
    await screenshot('rounds-10b-appraisal-refused')
    await move.getByRole('button', { name: 'Hủy' }).click()
    await rowOf('participants-table', EXTENDED_UNIT).getByRole('button', { name: `Gia hạn ${EXTENDED_UNIT}` }).click()
    const extension = page.getByRole('dialog', { name: `Gia hạn tự đánh giá: ${EXTENDED_UNIT}` })
    await extension.getByLabel('Lý do').fill('Đơn vị không kịp nộp, Sở quyết định kết thúc tự đánh giá')
    await extension.getByRole('button', { name: 'Thu hồi gia hạn' }).click()
    await extension.waitFor({ state: 'hidden' })
  })

  await check('in appraisal, finalizing a unit not yet appraised is refused with the server\'s reasons', async () => {
    await page.goto(roundUrl)
    await heading(ROUND_TITLE).waitFor()
    await page.getByRole('button', { name: 'Chuyển sang thẩm định' }).click()
    await page.getByRole('dialog', { name: 'Chuyển sang giai đoạn thẩm định' }).getByRole('button', { name: 'Xác nhận chuyển' }).click()
    await waitUntil('the status says "Đang thẩm định"', async () => await page.getByTestId('round-status').innerText() === 'Đang thẩm định')
    // Appraisal started: the participants and extensions are fixed.
    assert(await page.getByRole('button', { name: `Gia hạn ${EXTENDED_UNIT}` }).count() === 0, 'extensions are still offered')
    await page.getByRole('link', { name: 'Tiến độ', exact: true }).click()
    await heading('Tiến độ kỳ đánh giá').waitFor()
    await page.getByRole('button', { name: 'Chốt kết quả thẩm định của Sở Tư pháp' }).click()
    // An error notice: said at once, in the notices' alert region.
    const refusal = page.getByTestId('error-notices').getByText('Chưa thể chốt kết quả thẩm định của Sở Tư pháp (SO-TP)', { exact: false })
    // The refused request is logged by the browser as soon as it answers: the click is inside the allowance too.
    await c.allowConsoleError(/status of 409/, async () => {
      await page.getByRole('dialog', { name: 'Chốt kết quả thẩm định' }).getByRole('button', { name: 'Chốt kết quả' }).click()
      await refusal.waitFor()
    })
    const text = await refusal.innerText()
    // Said field by field: "Lĩnh vực 1: chưa có điểm thẩm định 1.1.1, 1.1.2, … (12 tiêu chí)", one line per field.
    assert(/Lĩnh vực 1: chưa có điểm thẩm định 1\.1\.1, .* \(\d+ tiêu chí\)/.test(text) && /Lĩnh vực 7: chưa có điểm thẩm định/.test(text), `the refusal says "${text}"`)
    await screenshot('rounds-11-finalize-refused')
    // The keyboard is where it was: on the unit's button, not sent back to the top of the page.
    await waitUntil('the focus is back on the unit\'s Chốt', async () => await page.evaluate('document.activeElement?.getAttribute("aria-label")') === 'Chốt kết quả thẩm định của Sở Tư pháp')
    await page.getByTestId('error-notices').locator('.notice').filter({ hasText: 'Chưa thể chốt kết quả thẩm định của Sở Tư pháp' }).getByRole('button', { name: 'Đóng thông báo' }).click()
    await refusal.waitFor({ state: 'hidden' })
    assert((await rowOf('progress-table', 'Sở Tư pháp').innerText()).includes('Chưa thẩm định'), 'Sở Tư pháp is no longer "Chưa thẩm định"')
    // Back to self-assessment, with a reason, as a round would be reopened for late units.
    await page.getByRole('link', { name: `← Kỳ đánh giá ${ROUND_CODE}` }).click()
    await page.getByRole('button', { name: 'Lùi về “Đang tự đánh giá”' }).click()
    const back = page.getByRole('dialog', { name: 'Lùi kỳ đánh giá về “Đang tự đánh giá”' })
    await back.getByLabel('Lý do').fill('Mở lại cho các đơn vị chưa nộp')
    await back.getByRole('button', { name: 'Lùi trạng thái' }).click()
    await waitUntil('the status says "Đang tự đánh giá"', async () => await page.getByTestId('round-status').innerText() === 'Đang tự đánh giá')
  })

  await check('on a tablet the progress and round screens still fit', async () => {
    await page.setViewportSize({ width: 800, height: 1000 })
    try {
      await page.goto(`${roundUrl}/progress`)
      await heading('Tiến độ kỳ đánh giá').waitFor()
      await waitUntil('the table is shown', async () => await rows('progress-table').count() === 20)
      const overflow = await horizontalOverflow(page)
      assert(overflow <= 0, `the page is ${overflow}px wider than the screen`)
      await screenshot('rounds-12-tablet-progress')
      await page.goto(roundUrl)
      await heading(ROUND_TITLE).waitFor()
      await waitUntil('participants are listed', async () => await rows('participants-table').count() === 20)
      const detailOverflow = await horizontalOverflow(page)
      assert(detailOverflow <= 0, `the round page is ${detailOverflow}px wider than the screen`)
      await screenshot('rounds-13-tablet-detail')
    } finally {
      await page.setViewportSize({ width: 1280, height: 860 })
    }
  })

  await check('a 2019 round from before the service gets its results from the report\'s CSV, and 2020 compares with it', async () => {
    // The round itself is set up through the API (creating rounds through the screens is checked above).
    const { token } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: 'admin', password: c.adminPassword } })
    const round = await c.api<{ id: string }>('/rounds', { method: 'POST', token, body: { code: 'BC-2019', title: 'Kỳ đánh giá năm 2019 (theo báo cáo)', year: 2019 } })
    const catalogs = await c.api<{ items: { id: string, code: string }[] }>('/catalogs?year=2020&unitType=department&status=published', { token })
    const catalog = catalogs.items.find((item) => item.code === 'TH-2020-SO')
    assert(catalog, 'the 2020 department catalog is missing')
    await c.api(`/rounds/${round.id}/catalogs`, { method: 'PUT', token, body: { catalogs: [{ unitType: 'department', catalogId: catalog.id }] } })
    await c.api('/auth/logout', { method: 'POST', token })
    // The 2019 "report": the 2020 figures, with Sở Tư pháp 2 points lower in field 1; and a broken copy of it.
    const report = readFileSync(join(process.cwd(), 'fixtures', 'results', 'thanh-hoa-2020-so-nganh.csv'), 'utf8')
    const good = report.replace('SO-TP,Sở Tư Pháp,19.00,13.00,', 'SO-TP,Sở Tư Pháp,19.00,11.00,').replace(',99.50,89.00,7,Tốt', ',99.50,87.00,9,Tốt')
    const broken = good.replace('SO-TP,Sở Tư Pháp,19.00,11.00,10.0,10,20.0,', 'SO-TP,Sở Tư Pháp,19.00,11.00,10.0,10,21.0,') + 'SO-KHONG-CO,Sở Không Có,1,1,1,1,1,1,1,1,1,1,1,1,1,1,7,7,21,Yếu\n'
    writeFileSync(join(c.work, 'bao-cao-2019-loi.csv'), broken)
    writeFileSync(join(c.work, 'bao-cao-2019.csv'), good)

    await nav('Kỳ đánh giá').click()
    await page.getByRole('link', { name: 'BC-2019', exact: true }).click()
    await heading('Kỳ đánh giá năm 2019 (theo báo cáo)').waitFor()
    const historical = page.getByTestId('historical-table')
    await waitUntil('no units are stored yet', async () => (await historical.locator('tbody tr').first().innerText()).includes('0'))
    const input = page.getByLabel(`Nhập kết quả ${DEPARTMENTS} từ tệp CSV hoặc Excel`)
    await c.allowConsoleError(/status of 422/, async () => {
      await input.setInputFiles(join(c.work, 'bao-cao-2019-loi.csv'))
      const alert = page.getByRole('alert').filter({ hasText: 'Tệp kết quả chưa hợp lệ' })
      await alert.waitFor()
      const text = await alert.innerText()
      assert(text.includes('Dòng 10, cột f3_self: vượt điểm tối đa của lĩnh vực'), `the problems do not name the value above the maximum: ${text}`)
      assert(text.includes('không tìm thấy đơn vị SO-KHONG-CO'), `the problems do not name the unknown unit: ${text}`)
    })
    await screenshot('rounds-14-historical-refused')
    assert((await historical.locator('tbody tr').first().innerText()).includes('0'), 'a broken file stored something')
    await input.setInputFiles(join(c.work, 'bao-cao-2019.csv'))
    await notice('Đã nhập kết quả của 20 đơn vị từ tệp bao-cao-2019.csv').waitFor()
    await screenshot('rounds-15-historical-imported')

    // Its results are computed from the report's figures: Sở Tư pháp 87,00, down from 89,00 in 2020.
    await historical.getByRole('link', { name: 'Xem kết quả →' }).click()
    await heading('Kết quả').waitFor()
    const table = page.locator('[data-testid="results-table"] tbody tr')
    await waitUntil('the 2019 results list 20 units', async () => await table.count() === 20)
    const tuPhap = await table.filter({ hasText: 'Sở Tư pháp' }).locator('td').allInnerTexts()
    assert(tuPhap.some((cell) => cell.trim() === '87,00'), `Sở Tư pháp's 2019 row is ${tuPhap.join(' | ')}`)

    // The 2020 round's provisional results now compare with 2019: Sở Tư pháp gained 2 points.
    await page.getByLabel('Kỳ đánh giá', { exact: true }).selectOption({ label: 'Kỳ đánh giá Chỉ số CCHC năm 2020' })
    await page.getByLabel('Phiên bản', { exact: true }).selectOption('provisional')
    await page.getByRole('columnheader', { name: 'Thay đổi chỉ số so với năm 2019' }).waitFor()
    await waitUntil('Sở Tư pháp shows +2,00 on 2019', async () => (await table.filter({ hasText: 'Sở Tư pháp' }).innerText()).includes('+2,00'))
    await screenshot('rounds-16-year-over-year', true)
  })
}
