// Browser checks of the bell: a unit officer's notifications written by a real change (the admin opens rounds the
// unit takes part in, through the API), the unread count on the bell (refreshed on navigation and, on the page's
// fake clock, every minute), the panel unread first with times in giờ Việt Nam and links into the app, marking one
// and then all read, keyboard use, the phone layout, and the e-mail opt-out and the user's own address kept after a reload.
import type { Page } from 'playwright-core'
import { assert, assertAccessible, horizontalOverflow, type BrowserChecks } from './checks.js'

const OFFICER = 'h-hau-loc'
const UNIT_CODE = 'H-HAU-LOC'
const DESKTOP = { width: 1440, height: 900 }
const PHONE = { width: 390, height: 844 }
const TITLE = (n: number) => `Kỳ thử chuông thông báo ${n}`

interface Notification { id: string, title: string, link: string, createdAt: string, readAt: string | null }
interface NotificationPage { items: Notification[], unread: number, total: number }

/** dd/MM/yyyy HH:mm in Asia/Ho_Chi_Minh, as the app's format.ts writes it. */
function vietnamTime (iso: string): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'
  }).formatToParts(new Date(iso)).map((part) => [part.type, part.value]))
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`
}

export async function notificationChecks (c: BrowserChecks): Promise<void> {
  const { check, waitUntil } = c
  const { token: adminToken } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: 'admin', password: c.adminPassword } })
  const asAdmin = <T>(path: string, method = 'GET', body?: unknown) => c.api<T>(path, { method, token: adminToken, body })
  const officer = await c.api<{ token: string, user: { unitId: string } }>('/auth/login', { method: 'POST', body: { username: OFFICER, password: c.demoPassword } })
  const asOfficer = <T>(path: string, method = 'GET', body?: unknown) => c.api<T>(path, { method, token: officer.token, body })
  const unreadOnServer = async () => (await asOfficer<NotificationPage>('/me/notifications?limit=1&offset=0')).unread
  /** Waits until the badge says `expected` ('' for no badge); a timeout says what the badge and the server said. */
  const badgeSays = async (tab: Page, expected: string, what: string) => {
    try {
      await waitUntil(what, async () => await badge(tab) === expected)
    } catch (error) {
      throw new Error(`${(error as Error).message} (the badge says "${await badge(tab).catch(() => '?')}", the server counts ${await unreadOnServer()} unread)`)
    }
  }

  const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()))
  const catalog = (await asAdmin<{ items: { id: string }[] }>(`/catalogs?code=TH-${year}-HUYEN&limit=1&offset=0`)).items[0]
  const unit = (await asAdmin<{ items: { id: string, code: string }[] }>(`/units?q=${UNIT_CODE}&limit=5&offset=0`)).items.find((item) => item.code === UNIT_CODE)
  const rounds: string[] = []

  /** A real change that tells the unit: a round it takes part in opened for self-assessment (rounds.ts writes the rows). */
  const openRound = async (n: number): Promise<string> => {
    assert(catalog && unit, `the demo data has no TH-${year}-HUYEN catalog or no unit ${UNIT_CODE}`)
    const day = 86_400_000
    const round = await asAdmin<{ id: string }>('/rounds', 'POST', {
      code: `THU-CHUONG-${n}`,
      title: TITLE(n),
      year,
      selfAssessmentClosesAt: new Date(Date.now() + 10 * day).toISOString(),
      supplementClosesAt: new Date(Date.now() + 20 * day).toISOString(),
      appraisalClosesAt: new Date(Date.now() + 30 * day).toISOString()
    })
    await asAdmin(`/rounds/${round.id}/catalogs`, 'PUT', { catalogs: [{ unitType: 'district', catalogId: catalog.id }] })
    await asAdmin(`/rounds/${round.id}/participants`, 'POST', { unitIds: [unit.id] })
    await asAdmin(`/rounds/${round.id}/transition`, 'POST', { to: 'self_assessment' })
    rounds.push(round.id)
    return round.id
  }

  const bell = (tab: Page) => tab.getByTestId('notification-bell')
  // Read without waiting: innerText() would wait for a badge that vanished after it was counted, past the check's deadline.
  const badge = async (tab: Page) => (await tab.getByTestId('notification-count').allInnerTexts()).join('').trim()
  const panel = (tab: Page) => tab.getByTestId('notification-panel')
  const isFocused = (tab: Page, testId: string) => tab.getByTestId(testId).evaluate((el) => el === (el as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)

  const tab = await c.newPage(DESKTOP)
  // The page's timers on a fake clock, so the minute between two refreshes passes without a minute's wait.
  await tab.clock.install()

  await check('the bell shows how many notifications are unread, in its badge and its name, after a round is opened', async () => {
    await openRound(1)
    const unread = await unreadOnServer()
    assert(unread >= 1, 'opening a round wrote no notification for the unit\'s officer')
    await c.login(tab, OFFICER, c.demoPassword, 'Đơn vị của tôi')
    await waitUntil(`the badge says ${unread}`, async () => await badge(tab) === String(unread))
    assert(await bell(tab).getAttribute('aria-label') === `Thông báo, ${unread} chưa đọc`, `the bell is named "${await bell(tab).getAttribute('aria-label')}"`)
    assert(await bell(tab).getAttribute('aria-expanded') === 'false', 'the panel is said to be open')
  })

  await check('the count is refreshed on navigation and every minute while the tab is visible', async () => {
    const before = await unreadOnServer()
    await openRound(2)
    await tab.getByRole('link', { name: 'Đổi mật khẩu' }).first().click()
    await tab.getByRole('heading', { level: 1, name: 'Đổi mật khẩu' }).waitFor()
    await waitUntil(`the badge says ${before + 1} after a navigation`, async () => await badge(tab) === String(before + 1))

    await openRound(3)
    assert(await badge(tab) === String(before + 1), 'the badge changed with no navigation and no minute passed')
    await tab.clock.runFor(61_000)
    await waitUntil(`the badge says ${before + 2} a minute later`, async () => await badge(tab) === String(before + 2))
  })

  await check('the bell opens a panel listing the notifications unread first, newest first, in giờ Việt Nam, with links into the app', async () => {
    const page = await asOfficer<NotificationPage>('/me/notifications?limit=20&offset=0')
    await bell(tab).click()
    await panel(tab).waitFor()
    assert(await bell(tab).getAttribute('aria-expanded') === 'true', 'the bell does not say its panel is open')
    assert(await tab.locator('#notification-panel-title').evaluate((el) => el === (el as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement), 'the focus did not move into the panel')
    const items = panel(tab).getByTestId('notification-item')
    await waitUntil('the panel lists what the API lists', async () => await items.count() === page.items.length)
    for (const [index, expected] of page.items.slice(0, 3).entries()) {
      const text = await items.nth(index).innerText()
      assert(text.includes(expected.title), `item ${index + 1} is not "${expected.title}": ${text}`)
      assert(text.includes(vietnamTime(expected.createdAt)), `item ${index + 1} does not show ${vietnamTime(expected.createdAt)} (giờ Việt Nam): ${text}`)
    }
    assert((await items.first().innerText()).includes(TITLE(3)), 'the newest notification is not first')
    const link = items.first().getByRole('link', { name: `Mở kỳ tự đánh giá: ${TITLE(3)}` })
    assert(await link.getAttribute('href') === `/admin/rounds/${rounds[2]}/units/${officer.user.unitId}/self-assessment`, `the link goes to ${await link.getAttribute('href')}`)
    await assertAccessible(tab, 'the open notification panel')
    await c.screenshot('notifications-desktop', false, tab)

    await tab.keyboard.press('Escape')
    await panel(tab).waitFor({ state: 'detached' })
    assert(await isFocused(tab, 'notification-bell'), 'Escape did not give the focus back to the bell')
    await tab.keyboard.press('Enter')
    await panel(tab).waitFor()
  })

  await check('on a phone (390×844) the panel fits the screen', async () => {
    const phone = await c.newPage(PHONE)
    try {
      await c.login(phone, OFFICER, c.demoPassword, 'Đơn vị của tôi')
      await waitUntil('the badge is shown', async () => await badge(phone) !== '')
      await bell(phone).click()
      await panel(phone).getByTestId('notification-item').first().waitFor()
      const box = await panel(phone).boundingBox()
      assert(box && box.x >= 0 && box.x + box.width <= PHONE.width && box.y + box.height <= PHONE.height, `the panel is out of the screen: ${JSON.stringify(box)}`)
      assert(await horizontalOverflow(phone) === 0, 'the page scrolls sideways')
      await c.screenshot('notifications-phone', false, phone)
    } finally {
      await phone.close()
    }
  })

  await check('marking one read lowers the count; following a link reads it; marking all read clears the badge', async () => {
    const before = await unreadOnServer()
    await panel(tab).getByRole('button', { name: `Đánh dấu đã đọc: Mở kỳ tự đánh giá: ${TITLE(3)}` }).click()
    await badgeSays(tab, String(before - 1), `the badge says ${before - 1}`)
    assert(await unreadOnServer() === before - 1, 'the server still counts it unread')
    assert(await bell(tab).getAttribute('aria-label') === `Thông báo, ${before - 1} chưa đọc`, 'the bell\'s name kept the old count')

    await panel(tab).getByRole('link', { name: `Mở kỳ tự đánh giá: ${TITLE(2)}` }).click()
    await tab.getByRole('heading', { level: 1, name: 'Tự đánh giá' }).waitFor()
    assert(new URL(tab.url()).pathname === `/admin/rounds/${rounds[1]}/units/${officer.user.unitId}/self-assessment`, `the link led to ${tab.url()}`)
    await badgeSays(tab, String(before - 2), `the badge says ${before - 2}`)

    await bell(tab).click()
    await panel(tab).getByRole('button', { name: 'Đánh dấu tất cả đã đọc' }).click()
    await badgeSays(tab, '', 'the badge is gone')
    assert(await bell(tab).getAttribute('aria-label') === 'Thông báo, không có thông báo chưa đọc', `the bell is named "${await bell(tab).getAttribute('aria-label')}"`)
    assert(await unreadOnServer() === 0, 'the server still counts unread notifications')
    assert(await panel(tab).locator('.bell-item.unread').count() === 0, 'an item is still shown unread')
  })

  await check('the e-mail of a kind is turned off in "Cài đặt thông báo" and still off after a reload', async () => {
    const before = await asOfficer<{ emailOptOuts: string[], kinds: string[] }>('/me/notification-preferences')
    assert(!before.emailOptOuts.includes('round_opened'), 'the officer had opted out already')
    await panel(tab).getByRole('button', { name: 'Cài đặt thông báo' }).click()
    const dialog = tab.getByRole('dialog', { name: 'Cài đặt thông báo' })
    const box = dialog.getByRole('checkbox', { name: 'Gửi e-mail: Mở kỳ tự đánh giá' })
    await box.waitFor()
    const shown = await dialog.getByRole('checkbox').count()
    assert(shown === before.kinds.length, `${shown} kinds are listed where an officer receives ${before.kinds.length}`)
    assert(await dialog.getByRole('checkbox', { name: 'Gửi e-mail: Đơn vị nộp bản tự đánh giá' }).count() === 0, 'a kind only appraisers receive is listed')
    assert(await box.isChecked(), 'the e-mail of a kind not opted out is shown off')
    await box.uncheck()
    await dialog.getByLabel('Địa chỉ e-mail nhận thông báo').fill('canbo.hauloc@thanhhoa.gov.vn')
    await c.screenshot('notifications-settings', false, tab)
    await dialog.getByRole('button', { name: 'Lưu' }).click()
    await tab.getByText('Đã lưu cài đặt thông báo').waitFor()
    await dialog.waitFor({ state: 'hidden' })
    const saved = await asOfficer<{ emailOptOuts: string[], email: string | null }>('/me/notification-preferences')
    assert(saved.emailOptOuts.length === 1 && saved.emailOptOuts[0] === 'round_opened', `the server holds ${JSON.stringify(saved.emailOptOuts)}`)
    assert(saved.email === 'canbo.hauloc@thanhhoa.gov.vn', `the officer's own address was not saved: ${saved.email}`)

    await tab.reload()
    await tab.getByRole('heading', { level: 1, name: 'Tự đánh giá' }).waitFor()
    await bell(tab).click()
    await panel(tab).getByRole('button', { name: 'Cài đặt thông báo' }).click()
    await box.waitFor()
    assert(!await box.isChecked(), 'the opt-out was not kept')
    assert(await dialog.getByRole('checkbox', { name: 'Gửi e-mail: Công bố kết quả' }).isChecked(), 'another kind was turned off too')
    assert(await dialog.getByLabel('Địa chỉ e-mail nhận thông báo').inputValue() === 'canbo.hauloc@thanhhoa.gov.vn', 'the address is shown again')
    await tab.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    await waitUntil('the focus is back on the bell', () => isFocused(tab, 'notification-bell'))
  })

  await tab.close()
  await c.api('/auth/logout', { method: 'POST', token: officer.token }).catch(() => undefined)
  await c.api('/auth/logout', { method: 'POST', token: adminToken }).catch(() => undefined)
}
