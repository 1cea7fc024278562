// The catalogs' screens as an admin uses them: the published 2020 catalogs and their tree, a catalog file imported as
// a draft, exported and published, a published one cloned for the next year, and a draft's node added (with the
// problems it causes said on the nodes), edited, moved and deleted until the draft is valid again.
import { assert, type BrowserChecks } from './checks.js'

/** The catalog checks, in the order an admin works; importFile is a catalog file (JSON) for the import. */
export async function catalogChecks (c: BrowserChecks, importFile: string): Promise<void> {
  const { page, check, heading, nav, rows, screenshot, waitUntil } = c

  await check('the catalogs page shows the two published 2020 catalogs', async () => {
    await nav('Bộ tiêu chí').click()
    await heading('Bộ tiêu chí').waitFor()
    await waitUntil('both 2020 catalogs are listed', async () => {
      const texts = await rows('catalogs-table').allInnerTexts()
      const of = (code: string) => texts.find((text) => text.includes(code)) ?? ''
      return [of('TH-2020-SO'), of('TH-2020-HUYEN')].every((text) => text.includes('2020') && text.includes('Đã công bố'))
    })
    await screenshot('05-catalogs')
  })

  await check('a published catalog shows its fields and tree', async () => {
    await page.getByRole('link', { name: 'TH-2020-SO', exact: true }).click()
    await heading('TH-2020-SO').waitFor()
    assert(await page.getByTestId('catalog-status').innerText() === 'Đã công bố', 'the status is not "Đã công bố"')
    await page.getByRole('heading', { name: 'Các lĩnh vực' }).waitFor()
    await page.locator('#node-1').waitFor()
    assert(await page.getByRole('button', { name: 'Công bố', exact: true }).count() === 0, 'a published catalog offers "Công bố"')
    await screenshot('06-catalog-published')
    await page.locator('#tree-title').evaluate((element) => element.scrollIntoView({ block: 'start' }))
    await screenshot('06-catalog-tree')
  })

  await check('a catalog file is imported as a draft', async () => {
    await nav('Bộ tiêu chí').click()
    await heading('Bộ tiêu chí').waitFor()
    await page.locator('input[type="file"]').setInputFiles(importFile)
    await heading('TEST-2021').waitFor()
    await waitUntil('the status says "Bản nháp"', async () => await page.getByTestId('catalog-status').innerText() === 'Bản nháp')
    await page.getByText('Bộ tiêu chí hợp lệ và có thể công bố.').waitFor()
    await screenshot('07-catalog-draft')
  })

  await check('the draft can be exported as JSON', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Xuất JSON' }).click()
    ])
    assert(download.suggestedFilename() === 'TEST-2021.json', `the file is named ${download.suggestedFilename()}`)
  })

  await check('the draft is published after confirmation', async () => {
    await page.getByRole('button', { name: 'Công bố', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Công bố bộ tiêu chí' })
    await dialog.waitFor()
    await screenshot('08-publish-confirm')
    await dialog.getByRole('button', { name: 'Công bố', exact: true }).click()
    await waitUntil('the status says "Đã công bố"', async () => await page.getByTestId('catalog-status').innerText() === 'Đã công bố')
    await nav('Bộ tiêu chí').click()
    await waitUntil('TEST-2021 is listed as published', async () => {
      const texts = await rows('catalogs-table').allInnerTexts()
      return texts.some((text) => text.includes('TEST-2021') && text.includes('Đã công bố'))
    })
    await screenshot('09-catalogs-after-publish')
  })

  await check('a published catalog is cloned into a draft for the next year', async () => {
    await page.getByRole('link', { name: 'TH-2020-HUYEN', exact: true }).click()
    await heading('TH-2020-HUYEN').waitFor()
    await page.getByRole('button', { name: 'Nhân bản', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Nhân bản TH-2020-HUYEN' })
    const code = await dialog.getByLabel('Mã mới').inputValue()
    assert(code === 'TH-2021-HUYEN', `the suggested code is ${code}`)
    assert(await dialog.getByLabel('Năm').inputValue() === '2021', 'the suggested year is not 2021')
    await dialog.getByRole('button', { name: 'Nhân bản', exact: true }).click()
    await heading('TH-2021-HUYEN').waitFor()
    await waitUntil('the clone is a draft', async () => await page.getByTestId('catalog-status').innerText() === 'Bản nháp')
  })

  let added = ''
  await check('a node added to the draft shows the problems it causes on the nodes they concern', async () => {
    await page.getByRole('button', { name: 'Thêm nút con vào 1', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Thêm tiêu chí vào 1' })
    await dialog.waitFor()
    added = await dialog.getByLabel('Mã', { exact: true }).inputValue()
    assert(/^1\.\d+$/.test(added), `the suggested code is ${added}`)
    await dialog.getByLabel('Nội dung tiêu chí').fill('Ứng dụng dịch vụ công trực tuyến toàn trình')
    await dialog.getByLabel('Điểm tối đa').fill('1,5')
    await dialog.getByLabel('Tài liệu kiểm chứng').selectOption('required')
    await dialog.getByLabel('Chọn một trong các phương án').check()
    await dialog.getByLabel('Nội dung phương án 1').fill('Triển khai đầy đủ')
    await dialog.getByLabel('Điểm phương án 1').fill('1,5')
    await dialog.getByRole('button', { name: '+ Thêm phương án' }).click()
    await dialog.getByLabel('Nội dung phương án 3').fill('Không thuộc phạm vi của đơn vị')
    await dialog.getByLabel('Phương án 3 có nghĩa là không áp dụng').check()
    await screenshot('10-node-editor')
    await dialog.getByRole('button', { name: 'Lưu' }).click()
    await dialog.waitFor({ state: 'hidden' })
    const node = page.locator(`[id="node-${added}"]`)
    await node.waitFor()
    assert((await node.innerText()).includes('Triển khai đầy đủ (1,5)'), 'the new node does not describe its options')
    await waitUntil('field 1 shows its sum problem', async () => (await page.locator('[id="node-1"]').innerText()).includes('Tổng điểm các nút con khác điểm tối đa'))
    await page.getByText(/Còn \d+ vấn đề cần sửa trước khi công bố/).waitFor()
    // Publishing a draft with known problems says so at once, without asking to confirm what would be refused.
    await page.getByRole('button', { name: 'Công bố', exact: true }).click()
    // An error notice, said at once (the notices' alert region), not after whatever the reader is saying.
    await page.getByTestId('error-notices').getByText(/Chưa công bố được “TH-2021-HUYEN”: còn \d+ vấn đề cần sửa/).waitFor()
    assert(await page.getByTestId('error-notices').getAttribute('role') === 'alert', 'error notices are not in an alert region')
    assert(await page.getByRole('dialog', { name: 'Công bố bộ tiêu chí' }).count() === 0, 'the confirmation was asked anyway')
    await page.locator('#problems-title').evaluate((element) => element.scrollIntoView({ block: 'start' }))
    await screenshot('11-draft-problems')
    await node.evaluate((element) => element.scrollIntoView({ block: 'center' }))
    await screenshot('11-draft-new-node')
  })

  await check('the node is edited, moved and deleted, and the draft is valid again', async () => {
    await page.getByRole('button', { name: `Sửa ${added}`, exact: true }).click()
    const dialog = page.getByRole('dialog', { name: `Sửa tiêu chí ${added}` })
    await dialog.getByLabel('Nội dung tiêu chí').fill('Cung cấp dịch vụ công trực tuyến toàn trình')
    await dialog.getByRole('button', { name: 'Lưu' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await waitUntil('the new title is shown', async () => (await page.locator(`[id="node-${added}"]`).innerText()).includes('Cung cấp dịch vụ công'))
    await page.getByRole('button', { name: `Đưa ${added} lên trên`, exact: true }).click()
    await page.getByText(`Đã chuyển ${added} lên trên`).waitFor()
    await page.getByRole('button', { name: `Di chuyển ${added}`, exact: true }).click()
    const move = page.getByRole('dialog', { name: `Di chuyển ${added}` })
    await move.getByLabel('Đặt vào').selectOption('2')
    await move.getByRole('button', { name: 'Di chuyển', exact: true }).click()
    await move.waitFor({ state: 'hidden' })
    await page.getByText(`Đã di chuyển ${added}`).waitFor()
    await waitUntil('the node is now under field 2', async () => await page.locator(`[id="node-children-2"] [id="node-${added}"]`).count() === 1)
    await page.getByRole('button', { name: `Xóa ${added}`, exact: true }).click()
    const confirmDelete = page.getByRole('dialog', { name: `Xóa ${added}` })
    await confirmDelete.getByRole('button', { name: 'Xóa', exact: true }).click()
    await page.getByText('Bộ tiêu chí hợp lệ và có thể công bố.').waitFor()
    assert(await page.locator(`[id="node-${added}"]`).count() === 0, 'the node is still shown')
  })
}
