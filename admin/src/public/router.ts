// Routes of the public results page (loaded with the page: a few small views, so no second request before the data). Every view has its own address, so a table or a unit's page can be linked:
//   /ket-qua/                               published rounds
//   /ket-qua/<round code>/<unit type>        Bảng 1, Bảng 2, charts and downloads (?version=n for an earlier version)
//   /ket-qua/<round code>/<unit type>/<unit code>   one unit's result
import { createRouter, createWebHistory } from 'vue-router'
import PublicHomeView from './views/PublicHomeView.vue'
import PublicMissingView from './views/PublicMissingView.vue'
import PublicResultsView from './views/PublicResultsView.vue'
import PublicUnitView from './views/PublicUnitView.vue'

/** /ket-qua/ when served by the API; /admin/ket-qua/ under the Vite dev server, which serves the app's folder. */
const base = window.location.pathname.startsWith('/admin/ket-qua') ? '/admin/ket-qua/' : '/ket-qua/'

export const publicRouter = createRouter({
  history: createWebHistory(base),
  routes: [
    { path: '/', name: 'public-home', component: PublicHomeView },
    { path: '/:round/:unitType', name: 'public-results', component: PublicResultsView, props: true },
    { path: '/:round/:unitType/:unit', name: 'public-unit', component: PublicUnitView, props: true },
    { path: '/:rest(.*)*', name: 'public-missing', component: PublicMissingView }
  ],
  scrollBehavior: (to, _from, saved) => saved ?? (to.hash ? { el: to.hash } : { top: 0 })
})
