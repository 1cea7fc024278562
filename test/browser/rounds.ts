// Browser checks of the rounds and progress screens (Kỳ đánh giá, Tiến độ).
import type { BrowserChecks } from './checks.js'

export async function roundChecks (_: BrowserChecks): Promise<void> {
  // Filled in with the rounds screens.
}
