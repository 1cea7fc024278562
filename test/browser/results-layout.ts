// Browser checks of the results screen's layout: on a phone (390 × 844) the page never scrolls sideways, the tables
// scroll in their own box with the unit's name fixed, and no chart label is cut off; printed, it reads like the
// report: no navigation or buttons, A4, Bảng 2 on a landscape page, a few pages in all (test-output/results-print.pdf).
// The other admin screens are measured on the phone as well.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { assert, horizontalOverflow, type BrowserChecks } from './checks.js'

/**
 * How many pixels of the leftmost and rightmost columns of a chart's canvas are drawn: a label or a value cut off by
 * the canvas's edge leaves its glyphs there, and nothing else of a chart reaches the edges.
 */
async function edgePixels (page: Page, testId: string): Promise<{ left: number, right: number }> {
  return page.getByTestId(testId).evaluate((element) => {
    // The project compiles without the DOM library; the canvas is described by the little this reads of it.
    const canvas = element as unknown as { width: number, height: number, getContext: (kind: '2d') => { getImageData: (x: number, y: number, w: number, h: number) => { data: Uint8ClampedArray } } | null }
    const context = canvas.getContext('2d')
    if (!context) return { left: -1, right: -1 }
    // No named helpers: the function runs in the page, where tsx's wrapper of named functions is missing.
    const [left, right] = [0, canvas.width - 2].map((x) => {
      const pixels = context.getImageData(x, 0, 2, canvas.height).data
      let painted = 0
      for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) painted++
      return painted
    })
    return { left: left ?? -1, right: right ?? -1 }
  })
}

/** The width and height in points of each page of a PDF, from its /MediaBox entries (Chromium writes one per page). */
function pageSizes (pdf: Buffer): Array<{ width: number, height: number }> {
  const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/g)]
  return boxes.map((box) => ({ width: Number(box[3]) - Number(box[1]), height: Number(box[4]) - Number(box[2]) }))
}

export async function resultLayoutChecks (c: BrowserChecks): Promise<void> {
  const { check, waitUntil } = c
  const rounds = await c.api<{ items: { id: string, year: number, results: { unitType: string }[] }[] }>('/public/rounds')
  const round = rounds.items.find((item) => item.year === 2020 && item.results.some((result) => result.unitType === 'department'))
  const phone = await c.newPage({ width: 390, height: 844 })
  const charts = ['index-chart', 'field-average-chart', 'field-chart']

  try {
    await check('on a phone the results screen fits the width: tables scroll in their box, unit names stay in view', async () => {
      assert(round, 'the demo has no published 2020 department results')
      await c.login(phone, 'admin', c.adminPassword, 'Tổng quan')
      await phone.goto(`${c.baseUrl}/admin/results?round=${round.id}&unitType=department`)
      await waitUntil('20 departments are listed in Bảng 1', async () => await phone.locator('[data-testid="results-table"] tbody tr').count() === 20)
      for (const chart of charts) await phone.getByTestId(chart).waitFor()
      const overflow = await horizontalOverflow(phone)
      const widths = await phone.evaluate('[document.documentElement.scrollWidth, window.innerWidth]') as [number, number]
      assert(widths[0] <= widths[1], `the page is ${overflow} px wider than the screen (${widths[0]} > ${widths[1]})`)
      for (const table of ['results-table', 'results-field-table']) {
        // Evaluated as text: the checks compile without the DOM library.
        const box = await phone.evaluate(`(() => {
          const table = document.querySelector('[data-testid="${table}"]')
          const cell = table.querySelector('tbody tr td:nth-child(2)')
          const style = getComputedStyle(cell)
          const { width, height } = cell.getBoundingClientRect()
          return { scrolls: table.parentElement.scrollWidth > table.parentElement.clientWidth, position: style.position, background: style.backgroundColor, width, height }
        })()`) as { scrolls: boolean, position: string, background: string, width: number, height: number }
        assert(box.scrolls, `${table} does not scroll in its own box`)
        assert(box.position === 'sticky', `${table}'s unit name is not fixed (position ${box.position})`)
        assert(box.background !== 'rgba(0, 0, 0, 0)', `${table}'s fixed unit name has no background`)
        // "Sở Thông tin và Truyền thông" on two or three lines, not one word a line.
        assert(box.width >= 140 && box.height <= 80, `${table}'s unit name is ${Math.round(box.width)} × ${Math.round(box.height)} px`)
      }
      await c.screenshot('layout-01-phone', true, phone)
      // Bảng 2 scrolled sideways: the names stay.
      await phone.locator('#table2-title').evaluate((element) => element.scrollIntoView({ block: 'start' }))
      await phone.getByTestId('results-field-table').evaluate((element) => { (element.parentElement as unknown as { scrollLeft: number }).scrollLeft = 300 })
      await c.screenshot('layout-01-phone-table2', false, phone)
    })

    await check('on a phone no chart label is cut off by its canvas', async () => {
      for (const chart of charts) {
        await phone.getByTestId(chart).scrollIntoViewIfNeeded()
        let edges = { left: -1, right: -1 }
        await waitUntil(`${chart} is drawn with nothing at its edges`, async () => {
          edges = await edgePixels(phone, chart)
          return edges.left === 0 && edges.right === 0
        }, 3000).catch(() => { throw new Error(`${chart} has ${edges.left} drawn pixels on its left edge and ${edges.right} on its right`) })
      }
      await phone.locator('#chart1-title').evaluate((element) => element.scrollIntoView({ block: 'start' }))
      await c.screenshot('layout-02-phone-chart', false, phone)
    })

    await check('the printed results are A4 pages, Bảng 2 on a landscape one, four pages at most', async () => {
      // Printed from a desktop, as page.pdf prints: the charts keep what they drew for the screen, scaled to the page.
      await phone.setViewportSize({ width: 1280, height: 900 })
      await c.waitUntil('the charts are drawn for the desktop', async () => await phone.getByTestId('index-chart').evaluate((element) => (element as unknown as { width: number }).width > 800))
      const pdf = await phone.pdf({ preferCSSPageSize: true, printBackground: true })
      writeFileSync(join(process.cwd(), 'test-output', 'results-print.pdf'), pdf)
      const sizes = pageSizes(pdf)
      const shape = sizes.map((size) => size.width > size.height ? 'landscape' : 'portrait')
      assert(sizes.length >= 3 && sizes.length <= 4, `the results print on ${sizes.length} pages (${shape.join(', ')})`)
      // A4 is 595 × 842 points.
      assert(sizes.every((size) => Math.abs(Math.min(size.width, size.height) - 595) < 3 && Math.abs(Math.max(size.width, size.height) - 842) < 3),
        `the pages are not A4: ${sizes.map((size) => `${size.width}×${size.height}`).join(', ')}`)
      assert(shape[0] === 'portrait' && shape.filter((item) => item === 'landscape').length === 1, `the pages are ${shape.join(', ')}: Bảng 2 alone should be landscape`)
    })

    await check('printed, the results screen has no navigation or buttons, and Bảng 2 is on a landscape page', async () => {
      await phone.emulateMedia({ media: 'print' })
      const hidden = await phone.evaluate(`[...document.querySelectorAll('.sidebar, .topbar, .page-actions, .notice-stack, [aria-label="Chọn kết quả"], button:not(table button)')]
        .filter((element) => element.checkVisibility()).map((element) => element.className || element.textContent.trim())`) as string[]
      assert(hidden.length === 0, `printed, these are shown: ${hidden.slice(0, 8).join(' | ')}`)
      const [named, header] = await phone.evaluate(`(() => {
        const table = document.querySelector('[data-testid="results-field-table"]')
        return [getComputedStyle(table.closest('section')).page, getComputedStyle(table.querySelector('thead')).display]
      })()`) as [string, string]
      assert(named === 'wide', `Bảng 2's section prints on the page "${named}", not "wide"`)
      assert(header === 'table-header-group', `Bảng 2's header is display: ${header}`)
      await phone.locator('#table2-title').evaluate((element) => element.scrollIntoView({ block: 'start' }))
      await c.screenshot('layout-03-print-table2', false, phone)
    })

    await check('on a phone the other screens of the admin fit the width too, the menu included', async () => {
      await phone.emulateMedia({ media: null })
      await phone.setViewportSize({ width: 390, height: 844 })
      const wide: string[] = []
      for (const path of ['/', '/units', '/catalogs', '/rounds', `/rounds/${round?.id}`, `/rounds/${round?.id}/progress`, '/appraisal', '/users', '/api-keys', '/audit']) {
        await phone.goto(`${c.baseUrl}/admin${path}`)
        await phone.locator('h1').first().waitFor()
        await phone.waitForLoadState('networkidle')
        const overflow = await horizontalOverflow(phone)
        if (overflow > 0) wide.push(`${path} by ${overflow} px`)
      }
      await phone.getByRole('button', { name: 'Menu' }).click()
      await phone.getByRole('navigation', { name: 'Điều hướng chính' }).waitFor()
      const menu = await horizontalOverflow(phone)
      if (menu > 0) wide.push(`the open menu by ${menu} px`)
      await c.screenshot('layout-04-phone-menu', false, phone)
      assert(wide.length === 0, `wider than the phone: ${wide.join('; ')}`)
    })

    await check('on a phone the menu opened from the keyboard has the focus on its first link, keeps Tab inside it, and Esc closes it back to "Menu"', async () => {
      const menu = phone.getByRole('button', { name: 'Menu' })
      if (await menu.getAttribute('aria-expanded') === 'true') await menu.click()
      const inDrawer = () => phone.evaluate('document.activeElement?.closest("#main-nav") !== null') as Promise<boolean>
      await menu.focus()
      await phone.keyboard.press('Enter')
      await phone.getByRole('navigation', { name: 'Điều hướng chính' }).waitFor()
      await c.waitUntil('the first link of the menu has the focus', async () =>
        await phone.evaluate('document.activeElement === document.querySelector("#main-nav .nav-link")') === true)
      // All the way round and back: never to the bell or the page behind the backdrop.
      const links = await phone.locator('#main-nav a:visible').count()
      for (let step = 0; step <= links; step++) {
        await phone.keyboard.press('Tab')
        assert(await inDrawer(), `Tab ${step + 1} left the menu for ${String(await phone.evaluate('document.activeElement?.outerHTML.slice(0, 80)'))}`)
      }
      await phone.locator('#main-nav .brand').focus()
      await phone.keyboard.press('Shift+Tab')
      assert(await phone.evaluate('document.activeElement === [...document.querySelectorAll("#main-nav a")].filter((link) => link.offsetParent !== null).at(-1)'), 'Shift+Tab from the first link does not go round to the last')
      await phone.keyboard.press('Escape')
      await phone.getByRole('navigation', { name: 'Điều hướng chính' }).waitFor({ state: 'hidden' })
      assert(await menu.evaluate((element) => element === element.ownerDocument.activeElement), 'Esc did not give the focus back to "Menu"')
      assert(await menu.getAttribute('aria-expanded') === 'false', '"Menu" still says it is expanded')
    })
  } finally {
    await phone.emulateMedia({ media: null }).catch(() => undefined)
    await phone.close()
  }
}
