// What a group of browser checks gets from the runner (test/browser/run.ts): the page, logged in as the admin, and
// the runner's helpers. Each screen's checks live in their own file and export one function taking this.
import type { Locator, Page } from 'playwright-core'

export interface BrowserChecks {
  page: Page
  /** http://127.0.0.1:port of the service under test. */
  baseUrl: string
  adminPassword: string
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
  /** Saves test-output/screenshots/<name>.png. */
  screenshot: (name: string, fullPage?: boolean) => Promise<void>
  waitUntil: (what: string, check: () => Promise<boolean>, ms?: number) => Promise<void>
  assert: (condition: unknown, message: string) => asserts condition
  /** Runs body while console errors matching pattern (a refusal provoked on purpose) are not counted. */
  allowConsoleError: <T>(pattern: RegExp, body: () => Promise<T>) => Promise<T>
  /** Calls the API directly (JSON), e.g. to prepare data; token from an API login. */
  api: <T>(path: string, options?: { method?: string, token?: string, body?: unknown }) => Promise<T>
}

/** Fails the check with the message unless the condition holds. */
export function assert (condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message)
}

/** How many pixels the page scrolls sideways (0 when it fits its viewport). */
export async function horizontalOverflow (page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as Promise<number>
}
