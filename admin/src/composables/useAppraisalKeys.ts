// The appraisal screen's keyboard: move between leaves and score them without the mouse. Single letters act only when
// the focus is on no control (a leaf itself, where j/k and opening the screen put it, a heading, the page), never on a
// field, a radio, a checkbox, a button or a link, where a screen reader passes letters on to the page: typing and its
// own keys are never taken over (WCAG 2.1.4). Alt+↓/↑ and Ctrl+S work everywhere; nothing holds the focus.
import { onBeforeUnmount, onMounted } from 'vue'

export interface AppraisalKeyActions {
  move: (step: 1 | -1) => void
  /** Enter on the leaf itself: take the unit's score and go on to the next leaf. */
  accept: () => unknown
  focusScore: () => void
  focusReason: () => void
  openFile: () => void
  history: () => void
  toggleSelect: () => void
  /** Esc inside a leaf: back to the leaf, ready for the next key. */
  backToLeaf: () => void
  save: () => void
  /** The next or previous unit of the list the screen steps through. */
  unit: (step: 1 | -1) => void
}

/**
 * The keys shown on the screen, in the order of the hint; `aria` names those that act on a leaf with the focus, as
 * aria-keyshortcuts has them (a screen reader says them on the leaf); `scores` those that do nothing on a read-only screen.
 */
export const appraisalKeys: readonly { keys: string[], what: string, aria?: string[], scores?: true }[] = [
  { keys: ['j', 'Alt+↓'], what: 'tiêu chí sau', aria: ['j', 'Alt+ArrowDown'] },
  { keys: ['k', 'Alt+↑'], what: 'tiêu chí trước', aria: ['k', 'Alt+ArrowUp'] },
  { keys: ['Enter'], what: 'chấp nhận điểm của đơn vị (tiêu chí chưa thẩm định), sang tiêu chí sau', aria: ['Enter'], scores: true },
  { keys: ['d'], what: 'nhập điểm thẩm định', aria: ['d'], scores: true },
  { keys: ['l'], what: 'ghi lý do', aria: ['l'], scores: true },
  { keys: ['t'], what: 'mở tài liệu', aria: ['t'] },
  { keys: ['h'], what: 'lịch sử', aria: ['h'] },
  { keys: ['x'], what: 'chọn để yêu cầu bổ sung', aria: ['x'], scores: true },
  { keys: ['Esc'], what: 'về tiêu chí' },
  { keys: ['n'], what: 'đơn vị sau', aria: ['n'] },
  { keys: ['p'], what: 'đơn vị trước', aria: ['p'] },
  { keys: ['Ctrl+S'], what: 'lưu ngay', aria: ['Control+S'], scores: true }
]

/** aria-keyshortcuts of a leaf: the keys that act on it while it has the focus. */
export function leafKeyShortcuts (readOnly: boolean): string {
  return appraisalKeys.filter((item) => !readOnly || !item.scores).flatMap((item) => item.aria ?? []).join(' ')
}

const CONTROLS = 'input, select, textarea, button, a[href], summary, [contenteditable]:not([contenteditable="false"]), [role="radio"], [role="checkbox"], [role="button"], [role="link"]'

/** Where single letters are shortcuts: anywhere but on a control (a leaf itself, a heading, the page). */
function lettersAt (target: EventTarget | null): boolean {
  return !(target instanceof Element && target.closest(CONTROLS) !== null)
}

export function useAppraisalKeys (actions: AppraisalKeyActions, enabled: () => boolean) {
  function onKeydown (event: KeyboardEvent): void {
    if (event.defaultPrevented || !enabled()) return
    // A dialog (asking for a supplement, a confirmation) has its own keys.
    if (document.querySelector('dialog[open]')) return
    const target = event.target
    const inLeaf = target instanceof HTMLElement && target.closest('[data-leaf]') !== null
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault()
      actions.save()
      return
    }
    if (event.altKey && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault()
      actions.move(event.key === 'ArrowDown' ? 1 : -1)
      return
    }
    if (event.key === 'Escape' && inLeaf && !(target instanceof HTMLElement && target.matches('[data-leaf]'))) {
      event.preventDefault()
      actions.backToLeaf()
      return
    }
    if (!lettersAt(target) || event.altKey || event.ctrlKey || event.metaKey) return
    if (event.key === 'Enter') {
      // Only on the leaf itself: Enter elsewhere keeps its own meaning.
      if (target instanceof HTMLElement && target.matches('[data-leaf]')) {
        event.preventDefault()
        actions.accept()
      }
      return
    }
    const action: Record<string, (() => void) | undefined> = {
      j: () => actions.move(1),
      k: () => actions.move(-1),
      d: actions.focusScore,
      l: actions.focusReason,
      t: actions.openFile,
      h: actions.history,
      x: actions.toggleSelect,
      n: () => actions.unit(1),
      p: () => actions.unit(-1)
    }
    const run = action[event.key.toLowerCase()]
    if (run) {
      event.preventDefault()
      run()
    }
  }

  onMounted(() => document.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => document.removeEventListener('keydown', onKeydown))
}
