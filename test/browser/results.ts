// Browser checks of the results screen (Kết quả): the published 2020 department results, tables and charts.
import type { BrowserChecks } from './checks.js'

export async function resultChecks (_: BrowserChecks): Promise<void> {
  // Filled in with the results screen.
}
