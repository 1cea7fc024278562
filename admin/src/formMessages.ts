// The forms' own constraints (required, min/max, lengths, email…) are checked by the browser but said by the app: in
// Vietnamese, next to the field, whatever the browser's language. The browser's bubble is suppressed by cancelling the
// `invalid` event each control fires when a form is submitted; the submission stays blocked until the value is fixed.
type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement

const NOTE_CLASS = 'field-error'

/** What is wrong with the control's value, in Vietnamese. */
export function constraintMessage (control: Control): string {
  const validity = control.validity
  const input = control instanceof HTMLInputElement ? control : null
  if (validity.valueMissing) {
    if (control instanceof HTMLSelectElement) return 'Vui lòng chọn một mục.'
    if (input?.type === 'checkbox') return 'Vui lòng đánh dấu ô này.'
    if (input?.type === 'file') return 'Vui lòng chọn tệp.'
    return 'Vui lòng nhập thông tin này.'
  }
  if (validity.badInput) return input?.type === 'number' ? 'Vui lòng nhập một số.' : 'Giá trị không hợp lệ.'
  if (validity.typeMismatch) return input?.type === 'email' ? 'Địa chỉ email không hợp lệ.' : input?.type === 'url' ? 'Địa chỉ web không hợp lệ.' : 'Giá trị không đúng định dạng.'
  if (validity.tooShort) return `Cần ít nhất ${(control as HTMLInputElement).minLength} ký tự (hiện có ${control.value.length}).`
  if (validity.tooLong) return `Không được dài quá ${(control as HTMLInputElement).maxLength} ký tự.`
  if (validity.rangeUnderflow) return `Giá trị phải lớn hơn hoặc bằng ${input?.min ?? ''}.`
  if (validity.rangeOverflow) return `Giá trị phải nhỏ hơn hoặc bằng ${input?.max ?? ''}.`
  if (validity.stepMismatch) return `Giá trị phải theo bước ${input?.step ?? ''}.`
  if (validity.patternMismatch) return control.title ? `Giá trị không đúng định dạng: ${control.title}` : 'Giá trị không đúng định dạng.'
  // A custom message is the app's own, already in Vietnamese.
  return control.validationMessage || 'Giá trị không hợp lệ.'
}

const isControl = (target: EventTarget | null): target is Control =>
  target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement

let counter = 0
function noteOf (control: Control, create: boolean): HTMLElement | null {
  const id = control.getAttribute('data-error-note')
  const existing = id ? document.getElementById(id) : null
  if (existing || !create) return existing
  const note = document.createElement('span')
  note.id = `field-error-${++counter}`
  note.className = NOTE_CLASS
  note.setAttribute('role', 'alert')
  control.setAttribute('data-error-note', note.id)
  // In the field's box (label, control, hint), after the rest: the message is read after the field it is about.
  const box = control.closest('.field') ?? control.parentElement
  box?.appendChild(note)
  return note
}

function show (control: Control): void {
  const note = noteOf(control, true)
  if (!note) return
  note.textContent = constraintMessage(control)
  control.setAttribute('aria-invalid', 'true')
  const described = (control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean)
  if (!described.includes(note.id)) control.setAttribute('aria-describedby', [...described, note.id].join(' '))
}

function clear (control: Control): void {
  const note = noteOf(control, false)
  if (!note) return
  note.remove()
  control.removeAttribute('data-error-note')
  control.removeAttribute('aria-invalid')
  const described = (control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((id) => id && id !== note.id)
  if (described.length > 0) control.setAttribute('aria-describedby', described.join(' '))
  else control.removeAttribute('aria-describedby')
}

/** Listens on the whole document, so every form of the app (and of dialogs opened later) is covered. */
export function installFormMessages (root: Document = document): void {
  let focused = false
  root.addEventListener('invalid', (event) => {
    if (!isControl(event.target)) return
    event.preventDefault()
    show(event.target)
    // The first invalid control of a submission takes the focus, as the browser would have done.
    if (!focused) {
      focused = true
      event.target.focus()
      setTimeout(() => { focused = false }, 0)
    }
  }, true)
  const recheck = (event: Event) => {
    if (isControl(event.target) && event.target.hasAttribute('data-error-note') && event.target.validity.valid) clear(event.target)
  }
  root.addEventListener('input', recheck, true)
  root.addEventListener('change', recheck, true)
  // A form that submits is valid: any message left from before goes.
  root.addEventListener('submit', (event) => {
    const form = event.target
    if (!(form instanceof HTMLFormElement)) return
    for (const control of form.querySelectorAll<Control>('[data-error-note]')) clear(control)
  }, true)
}
