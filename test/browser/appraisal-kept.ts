// The appraiser's scores kept on the device (a tab closed without a connection, two tabs bringing back the same
// score), and the side panel on a tablet, where it takes the lower half and leaves the leaf being scored in view.
import { leafOf, openUnitAppraisal, scoreUnsaved, waitForLeafState } from './appraisal-steps.js'
import { OFFLINE_ERRORS, assert, holdSaves, savesOffline, type BrowserChecks } from './checks.js'

export async function appraisalKeptChecks (c: BrowserChecks, { roundCode, appraiser, unitName }: { roundCode: string, appraiser: string, unitName: string }): Promise<void> {
  const { check } = c
  /** The appraiser scores a leaf of the unit with no connection, then the browser closes the tab without asking. */
  const scoredThenClosed = async (code: string, value: string, reason: string) => {
    const tab = await c.newPage({ width: 1440, height: 900 })
    await c.login(tab, appraiser, c.demoPassword, 'Thẩm định')
    await openUnitAppraisal(tab, unitName, roundCode)
    await savesOffline(tab, /\/appraisal$/)
    await c.allowConsoleError(OFFLINE_ERRORS, async () => {
      await scoreUnsaved(tab, code, value, reason)
      // Without a connection nothing is lost: said as a warning, not as an error.
      await tab.getByTestId('save-offline').filter({ hasText: 'Mất kết nối tới máy chủ' }).waitFor()
      assert(await tab.locator('.alert-error').filter({ hasText: 'Mất kết nối' }).count() === 0, 'the lost connection is said as an error')
    })
    await tab.close({ runBeforeUnload: false })
  }

  await check('a score typed while the connection is down survives the tab being closed: opening the unit again brings it back and saves it', async () => {
    await scoredThenClosed('1.1.3', '0.25', 'Nhập khi mất mạng.')

    const back = await c.newPage({ width: 1440, height: 900 })
    await c.login(back, appraiser, c.demoPassword, 'Thẩm định')
    await openUnitAppraisal(back, unitName, roundCode)
    const notice = back.getByTestId('restored-drafts')
    await notice.waitFor()
    assert((await notice.innerText()).includes('Đã khôi phục 1 điểm thẩm định'), `the page says "${await notice.innerText()}"`)
    await waitForLeafState(back, '1.1.3', 'Đã lưu')
    assert(await leafOf(back, '1.1.3').getByLabel('Điểm thẩm định tiêu chí 1.1.3').inputValue() === '0,25', 'the kept score is not shown')
    assert(await leafOf(back, '1.1.3').getByLabel(/^Lý do/).inputValue() === 'Nhập khi mất mạng.', 'the kept reason is not shown')
    await back.reload()
    await waitForLeafState(back, '1.1.3', 'Đã lưu')
    assert(await back.getByTestId('restored-drafts').count() === 0, 'a saved score was brought back again')
    assert(await leafOf(back, '1.1.3').getByLabel('Điểm thẩm định tiêu chí 1.1.3').inputValue() === '0,25', 'the server does not hold the kept score')
    // Leaving with "Rời trang, bỏ giá trị chưa lưu" means it: nothing comes back on the next visit.
    await savesOffline(back, /\/appraisal$/)
    await c.allowConsoleError(OFFLINE_ERRORS, async () => {
      await scoreUnsaved(back, '1.1.3', '0.5', 'Sẽ bỏ.')
      // Leaving tries the save once more first (and fails again).
      await back.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Thẩm định', exact: true }).click()
      await back.getByRole('button', { name: 'Rời trang, bỏ giá trị chưa lưu' }).click()
      await back.getByRole('heading', { level: 1, name: 'Thẩm định' }).waitFor()
    })
    await back.unroute(/\/appraisal$/)
    await back.getByTestId('desk-table').getByRole('link', { name: unitName, exact: true }).click()
    await waitForLeafState(back, '1.1.3', 'Đã lưu')
    assert(await back.getByTestId('restored-drafts').count() === 0 && await leafOf(back, '1.1.3').getByLabel('Điểm thẩm định tiêu chí 1.1.3').inputValue() === '0,25', 'a score left without saving came back')
    await back.close()
  })

  await check('two tabs of the appraiser bring back the same kept score: one saves it, the other finds it saved and asks nothing', async () => {
    await scoredThenClosed('1.1.3', '0.5', 'Hai thẻ cùng khôi phục.')
    // The browser brings both tabs back: the first one's save is on its way while the second one saves.
    const first = await c.newPage({ width: 1440, height: 900 })
    await c.login(first, appraiser, c.demoPassword, 'Thẩm định')
    const release = await holdSaves(first, /\/appraisal$/)
    await openUnitAppraisal(first, unitName, roundCode)
    await first.getByTestId('restored-drafts').waitFor()
    const second = await c.newPage({ width: 1440, height: 900 })
    await c.login(second, appraiser, c.demoPassword, 'Thẩm định')
    await openUnitAppraisal(second, unitName, roundCode)
    await second.getByTestId('restored-drafts').waitFor()
    await waitForLeafState(second, '1.1.3', 'Đã lưu')
    // The first tab's save meets the newer version (the browser logs the 412) and finds its score in it.
    const notice = await c.allowConsoleError(/status of 412/, async () => {
      release()
      await waitForLeafState(first, '1.1.3', 'Đã lưu')
      const said = first.getByTestId('change-notice')
      await said.waitFor()
      return await said.innerText()
    })
    assert(notice.includes('máy chủ đã có đúng những giá trị bạn nhập'), `the first tab says "${notice}"`)
    assert(await leafOf(first, '1.1.3').getByLabel('Điểm thẩm định tiêu chí 1.1.3').inputValue() === '0,5', 'the first tab does not show the score')
    // The device lets go of the appraiser's score once the server holds it. Only the appraisal's keys count: the
    // browser context is shared with the officers' checks, whose own kept values (par-draft:self-assessment:…) may stay.
    await first.waitForFunction('Object.keys(localStorage).filter((key) => key.startsWith("par-draft:appraisal:")).length === 0', undefined, { timeout: 10_000 })
      .catch(() => { throw new Error('the device still keeps a score the server holds') })
    await first.unroute(/\/appraisal$/)
    await first.close()
    await second.close()
  })

  await check('on a tablet (1024×768) the side panel takes the lower half and the leaf being scored stays in view above it', async () => {
    const tab = await c.newPage({ width: 1024, height: 768 })
    await c.login(tab, appraiser, c.demoPassword, 'Thẩm định')
    await openUnitAppraisal(tab, unitName, roundCode)
    await tab.keyboard.press('j')
    await tab.keyboard.press('h')
    const panel = tab.getByTestId('side-panel')
    await panel.waitFor()
    const code = (await panel.locator('#panel-title').innerText()).replace(/^Tiêu chí\s*/, '').trim()
    assert(/^\d+(\.\d+)+$/.test(code), `the panel is about "${code}"`)
    const box = leafOf(tab, code).locator('[data-score-input]')
    await c.waitUntil('the leaf\'s score is above the panel', async () => {
      const [panelBox, scoreBox] = await Promise.all([panel.boundingBox(), box.boundingBox()])
      return panelBox !== null && scoreBox !== null && panelBox.y >= 768 / 2 - 2 && scoreBox.y + scoreBox.height <= panelBox.y && scoreBox.y >= 56
    })
    await tab.close()
  })
}
