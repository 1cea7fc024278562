// Whether the page is being printed: true from the browser's beforeprint to its afterprint (the print button or
// Ctrl+P alike), so that a list drawn a page at a time on screen prints whole. Vue draws the change in the microtasks
// that run as the beforeprint listener returns, before the browser lays the page out for print.
import { onBeforeUnmount, onMounted, ref } from 'vue'

const printing = ref(false)
const start = () => { printing.value = true }
const end = () => { printing.value = false }
let users = 0

export function usePrinting () {
  onMounted(() => {
    if (users++ > 0) return
    window.addEventListener('beforeprint', start)
    window.addEventListener('afterprint', end)
  })
  onBeforeUnmount(() => {
    if (--users > 0) return
    window.removeEventListener('beforeprint', start)
    window.removeEventListener('afterprint', end)
    printing.value = false
  })
  return printing
}
