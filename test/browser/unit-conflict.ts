// Browser checks of two tabs of one officer saving the same self-assessment: a value already saved is not sent again
// when its box is left (it would put back a value the other tab replaced since), and a leaf changed in both waits for
// the officer's choice between the two values. The district officer here (h-ba-thuoc) is followed by no other check.
import { answerLeaf, explainLeaf, leafOf, openSelfAssessment, waitSaved } from './self-assessment-steps.js'
import { assert, holdSaves, type BrowserChecks } from './checks.js'
import type { UnitCheckContext } from './unit-kept.js'

const DESKTOP = { width: 1280, height: 860 }
const OFFICER = 'h-ba-thuoc'

export async function unitConflictChecks (c: BrowserChecks, { check, newTab, officerApi }: UnitCheckContext): Promise<void> {
  await check('two tabs of one officer: leaving a box whose value is saved sends nothing, and a leaf changed in both asks which value stands', async () => {
    const other = await officerApi(OFFICER)
    const stored = async (code: string) => (await other.state()).leaves.find((leaf) => leaf.code === code)
    const [first, second] = [await newTab(DESKTOP), await newTab(DESKTOP)]
    // The token is kept per tab (sessionStorage): each tab logs in.
    for (const tab of [first, second]) {
      await c.login(tab, OFFICER, c.demoPassword, 'Đơn vị của tôi')
      await openSelfAssessment(tab, other.roundTitle)
    }

    // The first tab types 0,25 and waits for it to be saved with the cursor still in the box.
    const box = leafOf(first, '1.3.3').locator('input.leaf-number')
    await box.fill('0,25')
    await waitSaved(first)
    assert(await first.evaluate('document.activeElement?.closest("[data-leaf-code]")?.dataset.leafCode') === '1.3.3', 'the cursor left the box')
    // The second tab reads it, and sets 0,5.
    await second.reload()
    await leafOf(second, '1.3.3').locator('input.leaf-number').waitFor()
    await answerLeaf(second, '1.3.3', 0.5)
    await waitSaved(second)
    assert((await stored('1.3.3'))?.input?.value === 0.5, 'the second tab\'s value is not saved')

    // Back in the first tab the officer types only an explanation: leaving the 1.3.3 box fires its change, with the
    // 0,25 it still shows. That is no edit: only the explanation goes, meets the newer version and asks to reload.
    const dialog = first.getByTestId('conflict-dialog')
    await c.allowConsoleError(/status of 412/, async () => {
      await explainLeaf(first, '2.1.2', 'Giải trình nhập ở tab thứ nhất')
      await dialog.waitFor({ timeout: 20_000 })
    })
    const said = await dialog.innerText()
    assert(said.includes('vẫn được giữ nguyên (tiêu chí 2.1.2)') && await dialog.getByTestId('conflict-leaf-1.3.3').count() === 0, `the dialog counts the left box as typed: ${said}`)
    await dialog.getByRole('button', { name: 'Tải lại, giữ giá trị tôi đã nhập' }).click()
    await waitSaved(first)
    assert(await box.inputValue() === '0,5', `after the reload the box shows ${await box.inputValue()}, not the other tab's 0,5`)
    const afterReload = await stored('1.3.3')
    assert(afterReload?.input?.value === 0.5, `the stale 0,25 was written back over the other tab's 0,5: ${JSON.stringify(afterReload?.input)}`)
    assert((await stored('2.1.2'))?.explanation === 'Giải trình nhập ở tab thứ nhất', 'the explanation was not saved')

    // A leaf typed in both: the first tab's save waits while the second tab saves the same leaf. The dialog shows both
    // values; the server's stands unless the officer keeps their own.
    const contested = async (mine: number, theirs: number) => {
      const release = await holdSaves(first, /\/self-assessment$/)
      await answerLeaf(first, '1.3.3', mine)
      await leafOf(first, '1.3.3').getByText('Đang lưu…').waitFor()
      await second.reload()
      await leafOf(second, '1.3.3').locator('input.leaf-number').waitFor()
      await answerLeaf(second, '1.3.3', theirs)
      await waitSaved(second)
      await c.allowConsoleError(/status of 412/, async () => {
        release()
        await dialog.waitFor({ timeout: 20_000 })
      })
      await first.unroute(/\/self-assessment$/)
      const leaf = dialog.getByTestId('conflict-leaf-1.3.3')
      const choices = await leaf.innerText()
      const points = (value: number) => `${String(value).replace('.', ',')} điểm`
      assert(choices.includes(`Dùng giá trị mới trên máy chủ: ${points(theirs)}`) && choices.includes(`Giữ giá trị của tôi: ${points(mine)}`), `the choice reads: ${choices}`)
      assert(await leaf.getByRole('radio', { name: /^Dùng giá trị mới trên máy chủ/ }).isChecked(), 'the server\'s value is not the one chosen by default')
      return leaf
    }

    let leaf = await contested(0.75, 1)
    await dialog.getByRole('button', { name: 'Tải lại, lưu theo lựa chọn trên' }).click()
    await waitSaved(first)
    assert(await box.inputValue() === '1', `the box shows ${await box.inputValue()}, not the server's value chosen`)
    assert((await stored('1.3.3'))?.input?.value === 1, 'the server\'s value was replaced though it was chosen')

    leaf = await contested(0.25, 0.75)
    await leaf.getByRole('radio', { name: /^Giữ giá trị của tôi/ }).check()
    await dialog.getByRole('button', { name: 'Tải lại, giữ giá trị tôi đã nhập' }).click()
    await waitSaved(first)
    assert(await box.inputValue() === '0,25', `the box shows ${await box.inputValue()}, not the value kept`)
    assert((await stored('1.3.3'))?.input?.value === 0.25, 'the officer\'s value was not saved though they kept it')
    await other.close()
    await first.close()
    await second.close()
  })
}
