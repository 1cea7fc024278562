// Runs a callback once the watched value has stopped changing for a moment (search boxes).
import { watch, type WatchSource } from 'vue'

export function useDebounced<T> (source: WatchSource<T>, callback: () => void, delayMs = 300): void {
  let timer: ReturnType<typeof setTimeout> | undefined
  watch(source, () => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(callback, delayMs)
  })
}
