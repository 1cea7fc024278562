// Entry of the admin app: the router, and what happens when the API says the session is over.
import { createApp } from 'vue'
import App from './App.vue'
import { onUnauthenticated } from './api/client'
import { useNotices } from './composables/useNotices'
import { useSession } from './composables/useSession'
import { installFormMessages } from './formMessages'
import { router } from './router'
import './styles/main.css'

onUnauthenticated(() => {
  useSession().clear()
  const current = router.currentRoute.value
  if (current.name === 'login') return
  useNotices().notify('Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại', 'error', { keep: true })
  // On the first page load the router's guard is still deciding, and sends to the login page itself.
  if (current.matched.length === 0) return
  router.push({ name: 'login', query: current.fullPath && current.fullPath !== '/' ? { redirect: current.fullPath } : {} })
})

// An error notice is about the page it appeared on: moving to another page takes it away.
router.afterEach((to, from) => {
  if (to.path !== from.path) useNotices().clearErrors()
})

installFormMessages()
createApp(App).use(router).mount('#app')
