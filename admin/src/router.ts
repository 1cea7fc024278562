// Routes of the admin app (history mode under /admin/); every screen is loaded on first visit.
import { createRouter, createWebHistory } from 'vue-router'
import { useSession } from './composables/useSession'

declare module 'vue-router' {
  interface RouteMeta {
    /** Shown without logging in (the login page). */
    public?: boolean
    /** Only admins may open it; others are sent to the home page. */
    adminOnly?: boolean
    /** Browser tab title. */
    title?: string
  }
}

export const router = createRouter({
  history: createWebHistory('/admin/'),
  routes: [
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true, title: 'Đăng nhập' } },
    { path: '/', name: 'home', component: () => import('./views/HomeView.vue'), meta: { title: 'Tổng quan' } },
    { path: '/units', name: 'units', component: () => import('./views/UnitsView.vue'), meta: { title: 'Đơn vị' } },
    { path: '/catalogs', name: 'catalogs', component: () => import('./views/CatalogsView.vue'), meta: { title: 'Bộ tiêu chí' } },
    { path: '/catalogs/:id', name: 'catalog', component: () => import('./views/CatalogDetailView.vue'), props: true, meta: { title: 'Bộ tiêu chí' } },
    { path: '/rounds', name: 'rounds', component: () => import('./views/RoundsView.vue'), meta: { title: 'Kỳ đánh giá' } },
    { path: '/rounds/:id', name: 'round', component: () => import('./views/RoundDetailView.vue'), props: true, meta: { title: 'Kỳ đánh giá' } },
    { path: '/rounds/:id/progress', name: 'round-progress', component: () => import('./views/ProgressView.vue'), props: true, meta: { title: 'Tiến độ' } },
    { path: '/results', name: 'results', component: () => import('./views/ResultsView.vue'), meta: { title: 'Kết quả' } },
    { path: '/users', name: 'users', component: () => import('./views/UsersView.vue'), meta: { adminOnly: true, title: 'Người dùng' } },
    { path: '/api-keys', name: 'api-keys', component: () => import('./views/ApiKeysView.vue'), meta: { adminOnly: true, title: 'Khóa API' } },
    { path: '/audit', name: 'audit', component: () => import('./views/AuditView.vue'), meta: { adminOnly: true, title: 'Nhật ký' } },
    { path: '/account/password', name: 'change-password', component: () => import('./views/ChangePasswordView.vue'), meta: { title: 'Đổi mật khẩu' } },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: 'Không tìm thấy' } }
  ],
  scrollBehavior: () => ({ top: 0 })
})

router.beforeEach(async (to) => {
  const session = useSession()
  const user = await session.restore()
  if (to.meta.public) return user && to.name === 'login' ? { name: 'home' } : true
  if (!user) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  if (to.meta.adminOnly && user.role !== 'admin') return { name: 'home' }
  return true
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · Quản trị Chỉ số CCHC` : 'Quản trị Chỉ số CCHC'
})
