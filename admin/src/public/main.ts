// Entry of the public results page (/ket-qua/): published results for citizens and the press, read through the
// public API only. A small app of its own, so it starts fast; it shares the tables and formats of the admin app.
import { createApp } from 'vue'
import '../styles/main.css'
import './public.css'
import PublicApp from './PublicApp.vue'
import { publicRouter } from './router'

createApp(PublicApp).use(publicRouter).mount('#app')
