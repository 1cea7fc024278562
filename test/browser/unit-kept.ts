// Browser checks of what an officer's device keeps: a value typed with no connection survives the tab being closed,
// a session that ends while a value waits, and two tabs bringing back the same kept value. Split from unit.ts; the
// district officers here (h-nga-son, h-thach-thanh, h-quan-hoa) are not the one unit.ts follows.
import type { Page } from 'playwright-core'
import { answerLeaf, explainLeaf, leafOf, openSelfAssessment, waitSaved } from './self-assessment-steps.js'
import { OFFLINE_ERRORS, assert, holdSaves, savesOffline, type BrowserChecks } from './checks.js'

const DESKTOP = { width: 1280, height: 860 }

/** A self-assessment as the API answers it, the parts these checks read. */
export interface StateLeaf {
  code: string
  title: string
  scoring: { method: 'range' | 'options' | 'bands', step?: number, options?: { code: string, label: string }[], input?: { min: number }, bands?: { min: number }[] }
  evidence: 'required' | 'optional' | 'none'
  input: { value?: number, option?: string, measurement?: number } | null
  explanation: string | null
  band: number | null
  missing: string[]
  evidenceFiles: number
}
export interface State { version: number, status: string, leaves: StateLeaf[], totals: { points: number } }

/** What unit.ts lends these checks: its check (which shoots every tab on failure), its tabs, and an officer's API session. */
export interface UnitCheckContext {
  check: (name: string, body: () => Promise<void>) => Promise<void>
  newTab: (viewport: { width: number, height: number }) => Promise<Page>
  officerApi: (username: string) => Promise<{ unitId: string, roundId: string, roundTitle: string, token: string, state: () => Promise<State>, close: () => Promise<unknown> }>
}

export async function unitKeptChecks (c: BrowserChecks, { check, newTab, officerApi }: UnitCheckContext): Promise<void> {
  /**
   * An officer types with no connection (every save fails), then the phone's browser closes the tab without asking:
   * what was typed is left only where the device keeps it.
   */
  const typedThenClosed = async (username: string, roundTitle: string, type: (page: Page) => Promise<void>) => {
    const tab = await newTab(DESKTOP)
    await c.login(tab, username, c.demoPassword, 'Đơn vị của tôi')
    await openSelfAssessment(tab, roundTitle)
    await savesOffline(tab, /\/self-assessment$/)
    await c.allowConsoleError(OFFLINE_ERRORS, async () => {
      await type(tab)
      await tab.getByText('Chờ có mạng để lưu', { exact: false }).first().waitFor({ timeout: 20_000 })
      // Without a connection nothing is lost: the banner is a warning that says the values are kept, not an error.
      await tab.getByTestId('save-offline').filter({ hasText: 'vẫn được giữ trên máy này' }).waitFor()
      assert(await tab.locator('.alert-error').filter({ hasText: 'Mất kết nối' }).count() === 0, 'the lost connection is said as an error')
    })
    await tab.close({ runBeforeUnload: false })
  }

  await check('a value typed while the connection is down survives the tab being closed: the next visit on the device brings it back and saves it', async () => {
    const other = await officerApi('h-nga-son')
    await typedThenClosed('h-nga-son', other.roundTitle, async (phone) => {
      await answerLeaf(phone, '1.3.3', 0.75)
      await explainLeaf(phone, '2.1.2', 'Nhập khi mất mạng')
    })
    const before = await other.state()
    assert(before.leaves.find((leaf) => leaf.code === '1.3.3')?.input?.value !== 0.75, 'the value was saved although the connection was down')

    const again = await newTab(DESKTOP)
    await c.login(again, 'h-nga-son', c.demoPassword, 'Đơn vị của tôi')
    await openSelfAssessment(again, other.roundTitle)
    const notice = again.getByTestId('restored-drafts')
    await notice.waitFor()
    assert((await notice.innerText()).includes('Đã khôi phục 2 giá trị'), `the page says: ${await notice.innerText()}`)
    await waitSaved(again)
    assert((await notice.innerText()).includes('đã lưu lại'), `once saved, the page says: ${await notice.innerText()}`)
    assert(await leafOf(again, '1.3.3').locator('input.leaf-number').inputValue() === '0,75', 'the value is not shown')
    const after = await other.state()
    const leaf = (code: string) => after.leaves.find((item) => item.code === code)
    assert(leaf('1.3.3')?.input?.value === 0.75 && leaf('2.1.2')?.explanation === 'Nhập khi mất mạng', `the server holds ${JSON.stringify([leaf('1.3.3')?.input, leaf('2.1.2')?.explanation])}`)
    // Saved, nothing is kept any more: a later visit brings nothing back.
    await again.reload()
    await again.locator('[data-leaf-code="1.3.3"] .leaf-input').waitFor()
    assert(await again.getByTestId('restored-drafts').count() === 0, 'saved values were brought back again')

    // Kept values older than the self-assessment (a colleague saved since): the usual conflict dialog, then on top.
    await savesOffline(again, /\/self-assessment$/)
    await c.allowConsoleError(OFFLINE_ERRORS, async () => {
      await answerLeaf(again, '1.3.3', 0.25)
      await again.getByText('Chờ có mạng để lưu', { exact: false }).first().waitFor({ timeout: 20_000 })
    })
    await again.close({ runBeforeUnload: false })
    const colleague = await other.state()
    await c.api(`/rounds/${other.roundId}/units/${other.unitId}/self-assessment`, {
      method: 'PATCH', token: other.token, headers: { 'if-match': `"${colleague.version}"` }, body: { entries: [{ leafCode: '2.1.2', explanation: 'Đồng nghiệp sửa sau' }] }
    })
    const last = await newTab(DESKTOP)
    await c.login(last, 'h-nga-son', c.demoPassword, 'Đơn vị của tôi')
    await openSelfAssessment(last, other.roundTitle)
    const dialog = last.getByTestId('conflict-dialog')
    await dialog.waitFor()
    assert((await dialog.getByTestId('conflict-change').innerText()).includes('2.1.2'), 'the dialog does not name the colleague\'s change')
    await dialog.getByRole('button', { name: 'Tải lại, giữ giá trị tôi đã nhập' }).click()
    await waitSaved(last)
    const merged = await other.state()
    const mergedLeaf = (code: string) => merged.leaves.find((item) => item.code === code)
    assert(mergedLeaf('1.3.3')?.input?.value === 0.25 && mergedLeaf('2.1.2')?.explanation === 'Đồng nghiệp sửa sau', `the server holds ${JSON.stringify([mergedLeaf('1.3.3')?.input, mergedLeaf('2.1.2')?.explanation])}`)

    // Leaving with "Rời trang, bỏ thay đổi" means it: the device forgets the values, no later visit brings them back.
    await savesOffline(last, /\/self-assessment$/)
    await c.allowConsoleError(OFFLINE_ERRORS, async () => {
      await answerLeaf(last, '1.3.3', 1)
      await last.getByText('Chờ có mạng để lưu', { exact: false }).first().waitFor({ timeout: 20_000 })
    })
    const keptCount = () => last.evaluate('Object.keys(localStorage).filter((key) => key.startsWith("par-draft:")).length')
    assert(await keptCount() === 1, 'the unsaved value is not kept on the device')
    await last.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Đơn vị của tôi', exact: true }).click()
    await last.getByRole('dialog', { name: 'Còn thay đổi chưa lưu' }).getByRole('button', { name: 'Rời trang, bỏ thay đổi' }).click()
    await last.getByRole('heading', { level: 1, name: 'Đơn vị của tôi' }).waitFor()
    assert(await keptCount() === 0, 'values left without saving are still kept on the device')
    await last.unroute(/\/self-assessment$/)
    await openSelfAssessment(last, other.roundTitle)
    await last.locator('[data-leaf-code="1.3.3"] .leaf-input').waitFor()
    assert(await last.getByTestId('restored-drafts').count() === 0 && await leafOf(last, '1.3.3').locator('input.leaf-number').inputValue() === '0,25', 'a value left without saving came back')
    // A logout forgets whatever the device keeps (the next person at a shared computer).
    await last.evaluate('localStorage.setItem("par-draft:self-assessment:someone:round:unit", "{}")')
    await last.getByRole('button', { name: 'Đăng xuất' }).click()
    await last.getByRole('button', { name: 'Đăng nhập' }).waitFor()
    assert(await keptCount() === 0, 'a logout left kept values on the device')
    await other.close()
    await last.close()
  })

  await check('a session that ends while a value waits to be saved goes to the login page without asking, and the value comes back after logging in', async () => {
    const other = await officerApi('h-thach-thanh')
    const tab = await newTab(DESKTOP)
    await c.login(tab, 'h-thach-thanh', c.demoPassword, 'Đơn vị của tôi')
    await openSelfAssessment(tab, other.roundTitle)
    await tab.locator('[data-leaf-code="1.3.3"] .leaf-input').waitFor()
    // The session ends (revoked here, as the 8-hour expiry would end it) just before a number is typed.
    const token = await tab.evaluate('sessionStorage.getItem("par-admin.token")') as string
    await c.api('/auth/logout', { method: 'POST', token })
    await c.allowConsoleError(/status of 401/, async () => {
      await answerLeaf(tab, '1.3.3', 0.75)
      await tab.getByRole('button', { name: 'Đăng nhập' }).waitFor({ timeout: 20_000 })
    })
    assert(await tab.getByRole('dialog', { name: 'Còn thay đổi chưa lưu' }).count() === 0, 'the leave dialog asked, offering to drop the value')
    await tab.getByLabel('Tên đăng nhập').fill('h-thach-thanh')
    await tab.getByLabel('Mật khẩu').fill(c.demoPassword)
    await tab.getByRole('button', { name: 'Đăng nhập' }).click()
    await tab.getByTestId('restored-drafts').waitFor()
    await waitSaved(tab)
    const after = await other.state()
    assert(after.leaves.find((leaf) => leaf.code === '1.3.3')?.input?.value === 0.75, 'the value typed as the session ended is not saved after logging in again')
    await tab.close()
  })

  await check('two tabs of the officer bring back the same kept value: one saves it, the other finds it saved and asks nothing', async () => {
    const other = await officerApi('h-quan-hoa')
    await typedThenClosed('h-quan-hoa', other.roundTitle, (crashed) => answerLeaf(crashed, '1.3.3', 0.75))
    // The browser brings both tabs back: the first one's save is on its way while the second one saves.
    const first = await newTab(DESKTOP)
    await c.login(first, 'h-quan-hoa', c.demoPassword, 'Đơn vị của tôi')
    const release = await holdSaves(first, /\/self-assessment$/)
    await openSelfAssessment(first, other.roundTitle)
    await first.getByTestId('restored-drafts').waitFor()
    const second = await newTab(DESKTOP)
    await c.login(second, 'h-quan-hoa', c.demoPassword, 'Đơn vị của tôi')
    await openSelfAssessment(second, other.roundTitle)
    await second.getByTestId('restored-drafts').waitFor()
    await waitSaved(second)
    // The first tab's save meets the newer version (the browser logs the 412) and finds its value in it.
    await c.allowConsoleError(/status of 412/, async () => {
      release()
      await waitSaved(first)
    })
    const notice = await first.getByTestId('restored-drafts').innerText()
    assert(notice.includes('đã lưu lại'), `the first tab says: ${notice}`)
    assert(await first.getByTestId('conflict-dialog').count() === 0, 'the first tab asks to choose between two equal values')
    assert(await leafOf(first, '1.3.3').locator('input.leaf-number').inputValue() === '0,75', 'the first tab does not show the value')
    const saved = await other.state()
    assert(saved.leaves.find((leaf) => leaf.code === '1.3.3')?.input?.value === 0.75, 'the server does not hold the kept value')
    const kept = await first.evaluate('Object.keys(localStorage).filter((key) => key.startsWith("par-draft:")).length')
    assert(kept === 0, 'the device still keeps a value the server holds')
    await first.unroute(/\/self-assessment$/)
    await other.close()
    await first.close()
    await second.close()
  })
}
