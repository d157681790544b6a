// The console's pages. Each section is loaded when first opened (the charts and the PDF
// viewer only with the pages that show them); a page a member's roles do not cover sends
// them to their own home.

import { createRouter, createWebHistory } from 'vue-router'
import { homeFor, mayOpen } from './lib/roles'
import { rememberReturn, session, token } from './session'

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    { path: '/login', name: 'login', component: () => import('./pages/Login.vue'), meta: { public: true } },
    { path: '/callback', name: 'callback', component: () => import('./pages/Callback.vue'), meta: { public: true } },
    {
      path: '/',
      component: () => import('./components/Layout.vue'),
      children: [
        { path: '', name: 'home', redirect: () => homeFor(session.current?.staff.roles ?? []) },
        { path: 'workbench', component: () => import('./pages/Workbench.vue') },
        { path: 'proxy', component: () => import('./pages/Proxy.vue') },
        { path: 'cases', component: () => import('./pages/Cases.vue') },
        { path: 'cases/:no', component: () => import('./pages/CaseDetail.vue'), props: true },
        { path: 'reviews', component: () => import('./pages/Reviews.vue') },
        { path: 'feedback', component: () => import('./pages/Feedback.vue') },
        { path: 'orders', component: () => import('./pages/Orders.vue') },
        { path: 'hall', component: () => import('./pages/HallBoard.vue') },
        { path: 'supervision', component: () => import('./pages/Supervision.vue') },
        { path: 'rulings', component: () => import('./pages/Rulings.vue') },
        { path: 'alerts', component: () => import('./pages/Alerts.vue') },
        { path: 'audit', component: () => import('./pages/Audit.vue') },
        { path: 'staff', component: () => import('./pages/Staff.vue') },
      ],
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach((to) => {
  if (to.meta.public) return true
  if (!token()) {
    rememberReturn(to.fullPath)
    return { name: 'login' }
  }
  const roles = session.current?.staff.roles ?? []
  return mayOpen(roles, to.path) ? true : homeFor(roles)
})
