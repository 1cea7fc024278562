// Keeping an open screen current: a tick every so often while the page is visible (a minute for the bell and the
// appraisal screen), and one at once when the page comes back into view or, when asked, its window gets the focus again
// (the official was in another window: a PDF, the mail).

/** Starts ticking; returns the function that stops it. Ticks never overlap, and two in the same second are one. */
export function whileVisible (onTick: () => Promise<unknown> | unknown, everyMs: number, onFocus = false): () => void {
  let running = false
  let last = 0
  const tick = async () => {
    if (document.visibilityState !== 'visible' || running || Date.now() - last < 1000) return
    running = true
    last = Date.now()
    try {
      await onTick()
    } catch {
      // A tick that fails (no connection) is tried again at the next one; the screen keeps what it shows.
    } finally {
      running = false
    }
  }
  const timer = setInterval(() => { tick() }, everyMs)
  const onVisible = () => { tick() }
  document.addEventListener('visibilitychange', onVisible)
  if (onFocus) window.addEventListener('focus', onVisible)
  return () => {
    clearInterval(timer)
    document.removeEventListener('visibilitychange', onVisible)
    window.removeEventListener('focus', onVisible)
  }
}
