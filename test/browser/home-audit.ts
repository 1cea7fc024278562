// Browser checks of what the Sở Nội vụ reads first: the home page's current round (status, deadlines, how many units
// submitted, are late, have open supplement requests, equal to the API) with links into its progress, and the audit
// log and the home page's recent changes in Vietnamese words, not the server's codes.
import { copyFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { assert, type BrowserChecks } from './checks.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** A code of the API's, as the audit log stores them: `round.transition`, `self_assessment`. */
const RAW_CODE = /\b[a-z]+(_[a-z]+)*\.[a-z_.]+\b|\bself_assessment\b|\bunit_officer\b/

interface RoundSummary { id: string, title: string, status: string, year: number, createdAt: string }

export async function homeAuditChecks (c: BrowserChecks): Promise<void> {
  const { page, baseUrl, check, heading, nav, rows, waitUntil } = c
  const { token } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: 'admin', password: c.adminPassword } })

  await check('the home page shows the current round with the units that submitted, are late and have open requests', async () => {
    const order = ['self_assessment', 'appraisal', 'finalized', 'draft']
    const { items } = await c.api<{ items: RoundSummary[] }>('/rounds?limit=100', { token })
    const current = items.filter((round) => order.includes(round.status))
      .sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status) || b.year - a.year || b.createdAt.localeCompare(a.createdAt))[0]
    assert(current, 'the demo data has no round in progress')
    const lines = await c.api<Array<{ status: string, overdue: boolean }>>(`/rounds/${current.id}/self-assessments`, { token })
    const requests = await c.api<Array<{ unit: { id: string } }>>(`/rounds/${current.id}/supplement-requests?status=open`, { token })
    const round = await c.api<{ participants: unknown[] }>(`/rounds/${current.id}`, { token })
    const submitted = lines.filter((line) => line.status === 'submitted').length
    const late = lines.filter((line) => line.overdue).length
    const waiting = new Set(requests.map((request) => request.unit.id)).size

    await page.goto(`${baseUrl}/admin/`)
    await heading('Tổng quan').waitFor()
    const panel = page.getByTestId('current-round')
    await panel.getByRole('link', { name: current.title }).waitFor()
    const said = await panel.innerText()
    assert(said.includes('Hạn tự đánh giá') && said.includes('Hạn thẩm định'), 'the deadlines are not shown')
    const count = async (id: string) => (await page.getByTestId(id).locator('strong').innerText()).trim()
    assert(await count('current-submitted') === `${submitted}/${round.participants.length}`, `submitted shows ${await count('current-submitted')}, the API says ${submitted}/${round.participants.length}`)
    assert(await count('current-late') === String(late), `late shows ${await count('current-late')}, the API says ${late}`)
    assert(await count('current-requests') === String(waiting), `open requests show ${await count('current-requests')}, the API says ${waiting}`)
    await c.screenshot('home-current-round', true)
    const docs = join(root, 'docs', 'screenshots')
    mkdirSync(docs, { recursive: true })
    copyFileSync(join(root, 'test-output', 'screenshots', 'home-current-round.png'), join(docs, 'home-current-round.png'))

    // The late count leads to the progress list filtered to those units.
    await page.getByTestId('current-late').click()
    await heading('Tiến độ').waitFor()
    await waitUntil('the progress is filtered to the late units', async () =>
      await page.getByLabel('Tự đánh giá').inputValue() === 'overdue' && await rows('progress-table').count() === late)
  })

  await check('the home page\'s recent changes and the audit log read in Vietnamese, statuses and reasons included', async () => {
    await page.goto(`${baseUrl}/admin/`)
    await heading('Tổng quan').waitFor()
    const recent = page.locator('.recent')
    await recent.locator('li').first().waitFor()
    const recentText = await recent.innerText()
    assert(!RAW_CODE.test(recentText), `the recent changes show a raw code: ${RAW_CODE.exec(recentText)?.[0]}`)

    await nav('Nhật ký').click()
    await heading('Nhật ký thay đổi').waitFor()
    await page.getByLabel('Hành động').selectOption({ label: 'Chuyển trạng thái kỳ đánh giá' })
    await waitUntil('only round moves are listed', async () => {
      const texts = await rows('audit-table').allInnerTexts()
      return texts.length > 0 && texts.every((text) => text.includes('Chuyển trạng thái kỳ đánh giá'))
    })
    const table = await page.getByTestId('audit-table').innerText()
    assert(/Trạng thái:?\s*Bản nháp\s*→\s*Đang tự đánh giá/.test(table), 'a round\'s opening is not read "Trạng thái: Bản nháp → Đang tự đánh giá"')
    assert(table.includes('Hệ thống') && !/\bsystem\b/.test(table), 'the service\'s own changes are not said to be the system\'s, in Vietnamese')
    assert(table.includes('Kỳ đánh giá'), 'the record kind is not said in words')
    assert(!RAW_CODE.test(table), `the audit log shows a raw code: ${RAW_CODE.exec(table)?.[0]}`)
    assert(!/Results for|published\b/.test(table), 'a system reason is in English')
    await c.screenshot('audit-vietnamese')
    await page.getByRole('button', { name: 'Xóa bộ lọc' }).click()
  })

  await check('an appraiser not yet assigned is told so on a round\'s progress, not that the round has no units', async () => {
    const { items } = await c.api<{ items: Array<RoundSummary & { participantCount: number }> }>('/rounds?limit=100', { token })
    const round = items.find((item) => item.year === 2020)
    assert(round && round.participantCount > 0, 'the demo data has no 2020 round with participants')
    await c.api('/users', { method: 'POST', token, body: { username: 'thamdinh-moi', displayName: 'Thành viên mới', role: 'appraiser', password: c.demoPassword } })
    const tab = await c.newPage()
    await c.login(tab, 'thamdinh-moi', c.demoPassword, 'Thẩm định')
    await tab.goto(`${baseUrl}/admin/rounds/${round.id}/progress`)
    await tab.getByText(`có ${round.participantCount} đơn vị tham gia, nhưng bạn chưa được phân công`).waitFor()
    assert(!(await tab.locator('body').innerText()).includes('chưa có đơn vị tham gia'), 'the appraiser is told the round has no participating units')
    await tab.close()
  })
}
