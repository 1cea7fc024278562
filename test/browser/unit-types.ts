// The admin's unit types on "Đơn vị": one added, renamed and deleted again; a type in use is not deleted, and says why.
import { assert, type BrowserChecks } from './checks.js'

export async function unitTypeChecks (c: BrowserChecks): Promise<void> {
  const { page, check } = c
  await check('an admin adds a unit type, renames it and deletes it; one in use stays, with the reason', async () => {
    await page.goto(`${c.baseUrl}/admin/units`)
    await c.heading('Đơn vị').waitFor()
    await page.getByRole('button', { name: 'Loại đơn vị', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Loại đơn vị' })
    await dialog.getByLabel('Mã loại').fill('commune')
    await dialog.getByLabel('Tên loại', { exact: true }).fill('UBND cấp xã')
    await dialog.getByRole('button', { name: 'Thêm', exact: true }).click()
    const row = dialog.locator('[data-unit-type="commune"]')
    await row.waitFor()
    const name = row.getByLabel('Tên loại commune')
    assert(await name.inputValue() === 'UBND cấp xã', 'the new type is not listed with its name')
    await name.fill('UBND xã, phường')
    await row.getByRole('button', { name: 'Đổi tên loại commune' }).click()
    await page.getByText('Đã đổi tên loại đơn vị commune thành UBND xã, phường').waitFor()
    const token = String(await page.evaluate("sessionStorage.getItem('par-admin.token')"))
    const types = await c.api<{ code: string, name: string }[]>('/unit-types', { token })
    assert(types.find((type) => type.code === 'commune')?.name === 'UBND xã, phường', `the server holds ${JSON.stringify(types)}`)

    // The districts have units: the type stays, and the dialog says why.
    await c.allowConsoleError(/status of 409/, async () => {
      await dialog.locator('[data-unit-type="district"]').getByRole('button', { name: 'Xóa loại district' }).click()
      await page.getByRole('dialog', { name: 'Xóa loại đơn vị' }).getByRole('button', { name: 'Xóa loại đơn vị' }).click()
      await dialog.getByRole('alert').filter({ hasText: 'đang được dùng' }).waitFor()
    })
    await row.getByRole('button', { name: 'Xóa loại commune' }).click()
    await page.getByRole('dialog', { name: 'Xóa loại đơn vị' }).getByRole('button', { name: 'Xóa loại đơn vị' }).click()
    await row.waitFor({ state: 'detached' })
    await page.getByText('Đã xóa loại đơn vị commune').waitFor()
    assert(await dialog.locator('[data-unit-type="district"]').count() === 1, 'the district type in use was deleted')
    await dialog.locator('.modal-actions').getByRole('button', { name: 'Đóng' }).click()
    // The type filter no longer offers it.
    assert(!(await page.getByLabel('Loại đơn vị').locator('option').allInnerTexts()).some((text) => text.includes('UBND xã, phường')), 'the deleted type is still offered')
  })
}
