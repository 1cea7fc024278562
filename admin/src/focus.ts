// Where the keyboard's focus goes when an action takes away the control that had it (the control removed, or
// disabled while the request runs): to the next sensible control instead of to nowhere, which sends a keyboard or
// screen-reader user back to the top of the page.
import { nextTick } from 'vue'

/** After the screen has drawn the action's result, focuses `next` if the focus was lost; otherwise leaves it. */
export async function refocusIfLost (next: () => Element | null | undefined): Promise<void> {
  await nextTick()
  const active = document.activeElement
  const lost = active === null || active === document.body || !active.isConnected || (active instanceof HTMLButtonElement && active.disabled)
  const target = next()
  if (lost && target instanceof HTMLElement) target.focus()
}
