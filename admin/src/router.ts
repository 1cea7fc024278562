// Routes of the admin app (history mode under /admin/); every screen is loaded on first visit.
import { createRouter, createWebHistory, START_LOCATION } from 'vue-router'
import type { Role } from './api/types'
import { useSession } from './composables/useSession'
import { focusScreen } from './focus'
import { landingOf } from './roles'

declare module 'vue-router' {
  interface RouteMeta {
    /** Shown without logging in (the login page). */
    public?: boolean
    /** The roles that may open it (all when absent); anyone else is sent to their own landing page. */
    roles?: readonly Role[]
    /** Browser tab title. */
    title?: string
    /** The navigation item to mark as current when the path alone does not say (a unit's appraisal → Thẩm định). */
    nav?: string
    /**
     * The screen puts the keyboard's focus where work resumes once its data is in (a unit's appraisal: the leaf to
     * appraise next), so the router does not move it to the heading first.
     */
    placesFocus?: boolean
  }
}

/** Sở Nội vụ staff: admins and read-only viewers. */
const staff = ['admin', 'viewer'] as const
/** Staff and appraisers, who read catalogs, progress and appraisals. */
const readers = ['admin', 'viewer', 'appraiser'] as const

export const router = createRouter({
  history: createWebHistory('/admin/'),
  routes: [
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true, title: 'Đăng nhập' } },
    { path: '/', name: 'home', component: () => import('./views/HomeView.vue'), meta: { roles: staff, title: 'Tổng quan' } },
    { path: '/units', name: 'units', component: () => import('./views/UnitsView.vue'), meta: { roles: staff, title: 'Đơn vị' } },
    { path: '/catalogs', name: 'catalogs', component: () => import('./views/CatalogsView.vue'), meta: { roles: readers, title: 'Bộ tiêu chí' } },
    { path: '/catalogs/:id', name: 'catalog', component: () => import('./views/CatalogDetailView.vue'), props: true, meta: { roles: readers, title: 'Bộ tiêu chí' } },
    { path: '/rounds', name: 'rounds', component: () => import('./views/RoundsView.vue'), meta: { roles: staff, title: 'Kỳ đánh giá' } },
    { path: '/rounds/:id', name: 'round', component: () => import('./views/RoundDetailView.vue'), props: true, meta: { roles: staff, title: 'Kỳ đánh giá' } },
    { path: '/rounds/:id/progress', name: 'round-progress', component: () => import('./views/ProgressView.vue'), props: true, meta: { roles: readers, title: 'Tiến độ' } },
    {
      path: '/rounds/:roundId/units/:unitId/self-assessment',
      name: 'self-assessment',
      component: () => import('./views/unit/SelfAssessmentView.vue'),
      props: true,
      meta: { roles: ['unit_officer', ...staff], title: 'Tự đánh giá' }
    },
    {
      path: '/rounds/:roundId/units/:unitId/appraisal',
      name: 'appraisal-unit',
      component: () => import('./views/appraisal/AppraisalUnitView.vue'),
      props: true,
      meta: { roles: readers, title: 'Thẩm định đơn vị', nav: '/appraisal', placesFocus: true }
    },
    { path: '/my-unit', name: 'my-unit', component: () => import('./views/unit/MyUnitView.vue'), meta: { roles: ['unit_officer'], title: 'Đơn vị của tôi' } },
    { path: '/my-unit/results/:roundId', name: 'my-unit-results', component: () => import('./views/unit/UnitResultsView.vue'), props: true, meta: { roles: ['unit_officer'], title: 'Kết quả của đơn vị' } },
    { path: '/appraisal', name: 'appraisal', component: () => import('./views/appraisal/AppraisalDeskView.vue'), meta: { roles: readers, title: 'Thẩm định' } },
    { path: '/results', name: 'results', component: () => import('./views/ResultsView.vue'), meta: { title: 'Kết quả' } },
    { path: '/users', name: 'users', component: () => import('./views/UsersView.vue'), meta: { roles: ['admin'], title: 'Người dùng' } },
    { path: '/api-keys', name: 'api-keys', component: () => import('./views/ApiKeysView.vue'), meta: { roles: ['admin'], title: 'Khóa API' } },
    { path: '/webhooks', name: 'webhooks', component: () => import('./views/WebhooksView.vue'), meta: { roles: ['admin'], title: 'Webhook' } },
    { path: '/audit', name: 'audit', component: () => import('./views/AuditView.vue'), meta: { roles: ['admin'], title: 'Nhật ký' } },
    { path: '/account/password', name: 'change-password', component: () => import('./views/ChangePasswordView.vue'), meta: { title: 'Đổi mật khẩu' } },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: 'Không tìm thấy' } }
  ],
  scrollBehavior: () => ({ top: 0 })
})

router.beforeEach(async (to) => {
  // The screen's code loads while the session is checked rather than after it (the import is cached either way).
  for (const record of to.matched) {
    const component = record.components?.default
    if (typeof component === 'function') (component as () => Promise<unknown>)().catch(() => undefined)
  }
  const session = useSession()
  const user = await session.restore()
  // The login page while logged in: the landing page instead, except on the way out (logging out leaves the screen first).
  if (to.meta.public) return user && to.name === 'login' && to.query.out === undefined ? landingOf[user.role] : true
  if (!user) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  // A temporary password (set by an admin) is changed before anything else; the server refuses the rest meanwhile.
  if (user.mustChangePassword && to.name !== 'change-password') {
    return { name: 'change-password', query: to.fullPath === '/' || to.name === 'home' ? {} : { redirect: to.fullPath } }
  }
  if (to.meta.roles && !to.meta.roles.includes(user.role)) return landingOf[user.role]
  return true
})

router.afterEach((to, from, failure) => {
  if (failure) return
  // Officers and appraisers use the same app: "Quản trị" (administration) is not what it is to them.
  document.title = to.meta.title ? `${to.meta.title} · Chỉ số CCHC` : 'Chỉ số CCHC'
  // A new screen is said by its heading taking the focus (else the focus stayed on <body> or on the link in the
  // navigation, and nothing told a screen reader the screen had changed). Not on the first load (the browser reads
  // the new page), not for a filter or page of the same screen (only the address's query changes), not to a #place.
  if (from === START_LOCATION || to.path === from.path || to.hash !== '' || to.meta.placesFocus) return
  focusScreen(document.activeElement).catch(() => undefined)
})
