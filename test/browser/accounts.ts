// Browser checks of the accounts the Sở hands out: the officer accounts of the units made in one go (a new unit
// gets one, the demo's units keep theirs), the list of temporary passwords downloaded once (Esc does not close it
// before), and the officer's first login, which leads to changing that password before anything else, then to their unit.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { assert, type BrowserChecks } from './checks.js'

const UNIT = { code: 'XA-DONG-TIEN', name: 'UBND xã Đông Tiến' }

export async function accountChecks (c: BrowserChecks): Promise<void> {
  const { page, check, heading, nav } = c
  let password = ''

  await check('accounts: the admin makes the officer accounts of the units; a new unit gets one, shown once with its temporary password', async () => {
    const { token } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: 'admin', password: c.adminPassword } })
    await c.api('/units', { method: 'POST', token, body: { code: UNIT.code, name: UNIT.name, unitType: 'district' } })
    await nav('Người dùng').click()
    await heading('Người dùng').waitFor()
    await page.getByRole('button', { name: 'Tạo tài khoản cho các đơn vị' }).click()
    const dialog = page.getByRole('dialog', { name: 'Tạo tài khoản cán bộ đầu mối cho các đơn vị' })
    await dialog.getByLabel('Loại đơn vị').selectOption({ label: 'UBND huyện, thị xã, thành phố' })
    await dialog.getByRole('button', { name: 'Tạo tài khoản' }).click()
    const row = dialog.locator(`[data-username="${UNIT.code.toLowerCase()}"]`)
    await row.waitFor()
    assert(await dialog.locator('tbody tr').count() === 1, 'accounts were made for units that have one')
    await dialog.getByText('27 đơn vị đã có cán bộ đầu mối, được giữ nguyên.').waitFor()
    password = (await row.locator('.password').innerText()).trim()
    assert(/^\w{4}-\w{4}-\w{4}$/.test(password), `the temporary password reads "${password}"`)
    // Esc before the list is saved does not throw the only copy of the passwords away: it says why.
    await page.keyboard.press('Escape')
    await dialog.getByTestId('close-blocked').waitFor()
    assert(await row.isVisible(), 'Esc closed the passwords before they were saved')
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Tải danh sách (.csv)' }).click()])
    const path = join(c.work, download.suggestedFilename())
    await download.saveAs(path)
    const lines = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n')
    assert(lines[1] === `${UNIT.name},${UNIT.code},${UNIT.code.toLowerCase()},${password}`, `the list's line reads ${lines[1]}`)
    await c.screenshot('accounts-01-unit-officers')
    await dialog.getByRole('button', { name: 'Tôi đã lưu danh sách, đóng' }).click()
    await dialog.waitFor({ state: 'hidden' })
  })

  await check('accounts: the admin finds the account by its unit\'s name, and a password too short is said, not silently ignored; a generated one is shown and set', async () => {
    await page.getByLabel('Tìm tài khoản').fill('dong tien')
    await page.getByLabel('Tìm tài khoản').press('Enter')
    await page.getByRole('button', { name: `Đặt lại mật khẩu cho ${UNIT.code.toLowerCase()}` }).click()
    const dialog = page.getByRole('dialog', { name: `Đặt lại mật khẩu cho ${UNIT.code.toLowerCase()}` })
    await dialog.getByLabel('Mật khẩu mới').fill('ngan-9-ky')
    await dialog.getByLabel('Mật khẩu mới').press('Enter')
    await dialog.getByText('Cần ít nhất 10 ký tự (hiện có 9).').waitFor()
    await dialog.getByTestId('generate-password').click()
    const generated = await dialog.getByLabel('Mật khẩu mới').inputValue()
    assert(/^\w{4}-\w{4}-\w{4}$/.test(generated), `the generated password reads "${generated}"`)
    assert(await dialog.getByLabel('Mật khẩu mới').getAttribute('type') === 'text', 'the generated password is hidden')
    await dialog.getByText('Cần ít nhất 10 ký tự', { exact: false }).waitFor({ state: 'hidden' })
    await dialog.getByRole('button', { name: 'Đặt lại mật khẩu' }).click()
    await dialog.waitFor({ state: 'hidden' })
    password = generated
    await page.getByLabel('Tìm tài khoản').fill('')
    await page.getByLabel('Tìm tài khoản').press('Enter')
  })

  await check('accounts: the new officer logs in with the temporary password, must change it first, then reaches their unit (390 px)', async () => {
    assert(password, 'no account was made')
    const tab = await c.newPage({ width: 390, height: 844 })
    await tab.goto(`${c.baseUrl}/admin/login`)
    // A wrong password marks both fields (the server does not say which one was wrong), and the same refusal twice is
    // a new alert each time, so a screen reader says it again.
    await tab.getByLabel('Tên đăng nhập').fill(UNIT.code.toLowerCase())
    const refusal = tab.getByRole('alert').filter({ hasText: 'Tên đăng nhập hoặc mật khẩu không đúng' })
    await c.allowConsoleError(/status of 401/, async () => {
      await tab.getByLabel('Mật khẩu').fill('sai-mat-khau-1')
      await tab.getByRole('button', { name: 'Đăng nhập' }).click()
      await refusal.waitFor()
      const first = await refusal.elementHandle()
      for (const field of ['Tên đăng nhập', 'Mật khẩu']) {
        assert(await tab.getByLabel(field).getAttribute('aria-invalid') === 'true', `"${field}" is not marked invalid after a refused login`)
      }
      await tab.getByLabel('Mật khẩu').fill('sai-mat-khau-2')
      await tab.getByRole('button', { name: 'Đăng nhập' }).click()
      await c.waitUntil('the repeated refusal is a new alert', async () => await first?.evaluate((element) => !element.isConnected) === true && await refusal.count() === 1)
    })
    // Typing in a field takes its mark away.
    await tab.getByLabel('Mật khẩu').fill(password)
    assert(await tab.getByLabel('Mật khẩu').getAttribute('aria-invalid') === null, 'the password typed again is still marked invalid')
    await tab.getByRole('button', { name: 'Đăng nhập' }).click()
    await tab.getByRole('heading', { level: 1, name: 'Đổi mật khẩu' }).waitFor()
    await tab.getByTestId('password-required').waitFor()
    await tab.goto(`${c.baseUrl}/admin/my-unit`)
    await tab.getByRole('heading', { level: 1, name: 'Đổi mật khẩu' }).waitFor()
    assert(await tab.getByRole('link', { name: 'Đơn vị của tôi' }).count() === 0, 'the navigation offers other screens')
    await c.screenshot('accounts-02-first-login', false, tab)
    await tab.getByLabel('Mật khẩu tạm được cấp').fill(password)
    await tab.getByLabel('Mật khẩu mới', { exact: true }).fill('Lúa chiêm Đông Tiến 2026')
    await tab.getByLabel('Nhập lại mật khẩu mới').fill('Lúa chiêm Đông Tiến 2026')
    await tab.getByRole('button', { name: 'Đổi mật khẩu' }).click()
    await tab.getByRole('heading', { level: 1, name: 'Đơn vị của tôi' }).waitFor()
    await tab.getByText(UNIT.name).first().waitFor()
    await tab.close()
  })
}
