// The width of an element in pixels, kept up to date as it resizes (0 until it is mounted); the charts wrap their
// labels to it.
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

export function useElementWidth (element: Ref<HTMLElement | null>): Ref<number> {
  const width = ref(0)
  const observer = new ResizeObserver((entries) => {
    const entry = entries[0]
    if (entry) width.value = Math.round(entry.contentRect.width)
  })
  onMounted(() => {
    if (!element.value) return
    width.value = element.value.clientWidth
    observer.observe(element.value)
  })
  onBeforeUnmount(() => observer.disconnect())
  return width
}
