// What a group of browser checks gets from the runner (test/browser/run.ts): the page, logged in as the admin, and
// the runner's helpers. Each screen's checks live in their own file and export one function taking this.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Locator, Page } from 'playwright-core'

export interface BrowserChecks {
  page: Page
  /** http://127.0.0.1:port of the service under test. */
  baseUrl: string
  adminPassword: string
  /** The password of every demo account (unit officers: the unit code in lower case; appraisers thamdinh1…7). */
  demoPassword: string
  /** Another tab of the same browser: its own session (the token is kept per tab), console errors counted too. */
  newPage: (viewport?: { width: number, height: number }) => Promise<Page>
  /** Logs the page in through the login form and waits for the landing page's heading. */
  login: (page: Page, username: string, password: string, landingHeading: string) => Promise<void>
  /** A scratch directory for files the checks write (removed afterwards). */
  work: string
  /** Runs one named check; a failure is recorded with a screenshot and the run goes on. */
  check: (name: string, body: () => Promise<void>) => Promise<void>
  /** A link of the main navigation, by its exact label. */
  nav: (label: string) => Locator
  /** The page's h1 with that text. */
  heading: (text: string) => Locator
  /** Body rows of the table with that data-testid. */
  rows: (testId: string) => Locator
  /** Saves test-output/screenshots/<name>.png of the runner's page, or of another tab. */
  screenshot: (name: string, fullPage?: boolean, target?: Page) => Promise<void>
  waitUntil: (what: string, check: () => Promise<boolean>, ms?: number) => Promise<void>
  assert: (condition: unknown, message: string) => asserts condition
  /** Runs body while console errors matching pattern (a refusal provoked on purpose) are not counted. */
  allowConsoleError: <T>(pattern: RegExp, body: () => Promise<T>) => Promise<T>
  /** Calls the API directly (JSON), e.g. to prepare data; token from an API login. */
  api: <T>(path: string, options?: { method?: string, token?: string, body?: unknown, headers?: Record<string, string> }) => Promise<T>
}

/** Fails the check with the message unless the condition holds. */
/** A round of this year in Vietnam, opening for self-assessment until tomorrow (the body of POST /rounds). */
export function roundOpenUntilTomorrow (code: string, title: string) {
  const day = 86_400_000
  return {
    code,
    title,
    year: Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date())),
    selfAssessmentClosesAt: new Date(Date.now() + day).toISOString(),
    supplementClosesAt: new Date(Date.now() + 20 * day).toISOString(),
    appraisalClosesAt: new Date(Date.now() + 30 * day).toISOString()
  }
}

export function assert (condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message)
}

/** How many pixels the page scrolls sideways (0 when it fits its viewport). */
export async function horizontalOverflow (page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as Promise<number>
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation { id: string, impact: string | null, help: string, nodes: number }

/** Runs axe-core in the page; returns the serious and critical violations (the bar every screen must pass). */
export async function seriousViolations (page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy (no inline scripts) does not govern.
  if (!await page.evaluate('typeof window.axe !== "undefined"')) await page.evaluate(axeSource)
  const results = await page.evaluate('window.axe.run(document, { resultTypes: [\'violations\'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map((n) => n.target.join(\' \')) })))') as Array<AxeViolation & { targets: string[] }>
  return results.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
}

/** Fails when axe-core finds a serious or critical violation on the page as it is now. */
export async function assertAccessible (page: Page, where: string): Promise<void> {
  const violations = await seriousViolations(page)
  assert(violations.length === 0, `${where}: axe-core found ${violations.map((v) => `${v.id} (${v.impact}, ${v.nodes}×: ${v.help}; ${(v as AxeViolation & { targets?: string[] }).targets?.join(' | ') ?? ''})`).join('; ')}`)
}

/** What the browser logs when a request fails for want of a connection (allowConsoleError around offline typing). */
export const OFFLINE_ERRORS = /ERR_INTERNET_DISCONNECTED|Failed to fetch|failed to load/i

/** Holds back every save (PATCH) the page sends to an address matching `path` until the function it answers is called. */
export async function holdSaves (page: Page, path: RegExp): Promise<() => void> {
  let release = () => {}
  const held = new Promise<void>((resolve) => { release = resolve })
  await page.route(path, async (route) => {
    if (route.request().method() === 'PATCH') await held
    await route.continue()
  })
  return release
}

/** Fails every save (PATCH) the page sends to an address matching `path`, as a lost connection would. */
export async function savesOffline (page: Page, path: RegExp): Promise<void> {
  await page.route(path, async (route) => { await (route.request().method() === 'PATCH' ? route.abort('internetdisconnected') : route.continue()) })
}

/** At 390×844: no sideways scrolling, and axe-core finds nothing serious. */
export async function assertPhoneReady (page: Page, where: string): Promise<void> {
  const overflow = await horizontalOverflow(page)
  assert(overflow === 0, `${where} scrolls ${overflow} px sideways at 390 px`)
  await assertAccessible(page, `${where} at 390 px`)
}
