// Starts the console: settings, the API client wired to the session, the router, Chinese
// for Element Plus.

import { createApp } from 'vue'
import 'element-plus/theme-chalk/base.css'
import './style.css'
import App from './App.vue'
import { configure } from './api/client'
import { loadConfig } from './config'
import { router } from './router'
import { rememberReturn, signOut, token } from './session'

async function start() {
  const config = await loadConfig()
  configure({
    apiBase: config.apiBase,
    token: () => token(),
    onUnauthenticated: () => {
      // Back to sign-in; the page (and its drafts) wait for the return.
      const here = router.currentRoute.value
      if (here.name !== 'login' && here.name !== 'callback') rememberReturn(here.fullPath)
      signOut()
      void router.push({ name: 'login', query: { expired: '1' } })
    },
  })
  const app = createApp(App)
  app.provide('config', config)
  app.use(router)
  app.mount('#app')
}

void start()
