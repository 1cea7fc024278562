// The browser tab's title follows the view ("… — Kết quả Chỉ số CCHC"), so a bookmark or a shared link reads right.
import { watchEffect } from 'vue'

export function usePageTitle (title: () => string | null): void {
  watchEffect(() => {
    const text = title()
    document.title = text ? `${text} — Kết quả Chỉ số CCHC` : 'Kết quả Chỉ số cải cách hành chính'
  })
}
