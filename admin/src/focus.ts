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

let screenChanges = 0

/**
 * After a move to another screen, once it has drawn: the focus goes to its h1 (a screen reader reads the new screen's
 * name; Tab goes on from the top of it), or to the field the screen marks `autofocus` (the login form), or to #main
 * while no h1 comes within a few seconds. Left alone where the screen or the person already put it inside the page;
 * `before` is the element that had the focus when the move began (a link the screen kept still counts as nowhere).
 */
export async function focusScreen (before: Element | null): Promise<void> {
  const change = ++screenChanges
  const giveUpAt = Date.now() + 3000
  await nextTick()
  for (;;) {
    // Another move began meanwhile: that one decides.
    if (change !== screenChanges) return
    const active = document.activeElement
    const nowhere = active === null || active === document.body || !active.isConnected || active === before ||
      active.closest('#main-nav, .topbar') !== null
    if (!nowhere) return
    const target = document.querySelector<HTMLElement>('main [autofocus]') ?? document.querySelector<HTMLElement>('main h1') ??
      (Date.now() > giveUpAt ? document.getElementById('main') : null)
    if (target) {
      if (target.tabIndex < 0 && !target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1')
      target.focus({ preventScroll: true })
      return
    }
    await new Promise((resolve) => requestAnimationFrame(resolve))
  }
}
