// Browser checks of the Webhook page (admins): an endpoint registered (an http address refused in Vietnamese), its
// signing secret shown once, disabled and enabled again, its delivery history, and removed; each step as the API says.
import { assert, type BrowserChecks } from './checks.js'

const URL = 'https://egov.thanhhoa.gov.vn/hooks/cchc'

interface Endpoint { id: string, url: string, active: boolean, eventTypes: string[] }

export async function webhookChecks (c: BrowserChecks): Promise<void> {
  const { page, check, heading, nav, waitUntil } = c
  const { token } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: 'admin', password: c.adminPassword } })
  const endpoints = () => c.api<Endpoint[]>('/webhooks', { token })
  const row = () => page.getByTestId('webhooks-table').locator('tbody tr').filter({ hasText: URL })

  await check('an admin registers a webhook endpoint on its page and sees its signing secret once (http refused)', async () => {
    await nav('Webhook').click()
    await heading('Webhook').waitFor()
    await page.getByRole('button', { name: '+ Thêm điểm nhận' }).click()
    const dialog = page.getByRole('dialog', { name: 'Thêm điểm nhận webhook' })
    await dialog.getByLabel('Địa chỉ nhận (https)').fill('http://egov.thanhhoa.gov.vn/hooks')
    await c.allowConsoleError(/status of 400/, async () => {
      await dialog.getByRole('button', { name: 'Thêm điểm nhận' }).click()
      await dialog.getByText('phải dùng https', { exact: false }).first().waitFor()
    })
    assert((await endpoints()).length === 0, 'the http address was registered')
    await dialog.getByLabel('Địa chỉ nhận (https)').fill(URL)
    await dialog.getByLabel('Mô tả').fill('Cổng dịch vụ công tỉnh')
    await dialog.getByRole('checkbox', { name: /Kỳ đánh giá chuyển bước/ }).check()
    await dialog.getByRole('button', { name: 'Thêm điểm nhận' }).click()
    const secret = page.getByRole('dialog', { name: 'Khóa ký webhook' })
    await secret.waitFor()
    const value = await secret.getByLabel('Khóa ký (Standard Webhooks, whsec_…)').inputValue()
    assert(/^whsec_[A-Za-z0-9+/]{43}=$/.test(value), `the secret shown is ${value}`)
    await c.screenshot('webhooks-secret')
    await secret.getByRole('button', { name: 'Tôi đã lưu khóa, đóng' }).click()
    const [endpoint] = await endpoints()
    assert(endpoint?.url === URL && endpoint.eventTypes.join() === 'results.published,round.status_changed', `the API holds ${JSON.stringify(endpoint)}`)
    await waitUntil('the table lists it, on', async () => (await row().innerText()).includes('Đang bật'))
  })

  await check('the endpoint is disabled and enabled again, its history read, and removed', async () => {
    await page.getByRole('button', { name: `Tắt: ${URL}` }).click()
    await waitUntil('the row says it is off', async () => (await row().innerText()).includes('Đã tắt'))
    assert((await endpoints())[0]?.active === false, 'the API still has it on')
    await page.getByRole('button', { name: `Bật lại: ${URL}` }).click()
    await waitUntil('the row says it is on', async () => (await row().innerText()).includes('Đang bật'))
    await page.getByRole('button', { name: `Lịch sử gửi: ${URL}` }).click()
    await page.getByTestId('webhook-history').getByText('Chưa có tin nhắn nào được gửi tới điểm nhận này.').waitFor()
    await c.screenshot('webhooks')
    await page.getByRole('button', { name: `Xóa: ${URL}` }).click()
    await page.getByRole('dialog', { name: 'Xóa điểm nhận' }).getByRole('button', { name: 'Xóa' }).click()
    await waitUntil('the row is gone', async () => await row().count() === 0)
    assert((await endpoints()).length === 0, 'the API still has it')
  })
}
