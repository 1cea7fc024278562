// A unit officer without a connection: what is typed waits for it, said as a warning on the leaf and in the bar (not as
// a refusal), and goes as soon as the browser says the connection is back, before the next retry would have sent it.
import { answerLeaf, leafOf, openSelfAssessment, waitSaved } from './self-assessment-steps.js'
import { OFFLINE_ERRORS, assert, type BrowserChecks } from './checks.js'

export async function unitOfflineChecks (c: BrowserChecks): Promise<void> {
  await c.check('a value typed without a connection waits for it (a warning, not an error) and goes as soon as the connection is back', async () => {
    const login = await c.api<{ token: string, user: { unitId: string } }>('/auth/login', { method: 'POST', body: { username: 'h-nga-son', password: c.demoPassword } })
    const { items } = await c.api<{ items: { round: { id: string, status: string, title: string } }[] }>(`/units/${login.user.unitId}/rounds`, { token: login.token })
    const round = items.find((item) => item.round.status === 'self_assessment')?.round
    assert(round, 'h-nga-son has no open round')
    const tab = await c.newPage({ width: 1280, height: 860 })
    try {
      await c.login(tab, 'h-nga-son', c.demoPassword, 'Đơn vị của tôi')
      await openSelfAssessment(tab, round.title)
      // Every save fails for want of a network until the second failure, whose retry is 10 s away.
      let failures = 0
      const offline = /\/self-assessment$/
      await tab.route(offline, async (route) => {
        if (route.request().method() !== 'PATCH') return route.continue()
        failures++
        return route.abort('internetdisconnected')
      })
      await c.allowConsoleError(OFFLINE_ERRORS, async () => {
        await answerLeaf(tab, '1.3.3', 0.5)
        const badge = tab.getByTestId('save-status-1.3.3')
        await badge.filter({ hasText: 'Chờ có mạng để lưu' }).waitFor({ timeout: 20_000 })
        assert(await badge.evaluate((element) => element.classList.contains('badge-warning')), 'the waiting leaf is not said as a warning')
        assert(await leafOf(tab, '1.3.3').locator('[role="alert"]').count() === 0, 'the waiting leaf shows an error')
        const summary = await tab.getByTestId('save-summary').innerText()
        assert(summary === '1 tiêu chí chờ có mạng để lưu', `the bar says "${summary}"`)
        await c.waitUntil('the first retry failed too', async () => failures >= 2 && await tab.getByTestId('save-summary').innerText() === summary)
      })
      await tab.unroute(offline)
      const back = Date.now()
      await tab.evaluate("window.dispatchEvent(new Event('online'))")
      await waitSaved(tab)
      assert(Date.now() - back < 5000, `saved ${Date.now() - back} ms after the connection came back, as the next retry`)
      const state = await c.api<{ leaves: { code: string, input: { value?: number } | null }[] }>(`/rounds/${round.id}/units/${login.user.unitId}/self-assessment`, { token: login.token })
      assert(state.leaves.find((leaf) => leaf.code === '1.3.3')?.input?.value === 0.5, 'the server does not hold the value typed offline')
    } finally {
      await tab.close({ runBeforeUnload: false })
      await c.api('/auth/logout', { method: 'POST', token: login.token })
    }
  })
}
