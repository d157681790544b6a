// Builds the console for `/console/`, the path the local gateway and CloudFront serve it
// under. Element Plus components are imported where templates use them (not the whole
// library), and ECharts and the PDF viewer stay in the chunks of the pages that use them.
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

export default defineConfig({
  base: '/console/',
  plugins: [
    vue(),
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: false,
    }),
  ],
  build: {
    outDir: 'dist',
    manifest: true,
    emptyOutDir: true,
    target: 'es2020',
    // The budget is checked by scripts/budget.mjs on gzipped sizes; this only keeps Vite's
    // warning for a chunk that grew past what a page should load.
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `npm run dev` talks to the local stack's gateway.
    proxy: { '/v1': 'http://127.0.0.1:3000', '/_sandbox': 'http://127.0.0.1:3001' },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // Component tests mount Element Plus, whose per-component imports pull in its CSS:
    // let Vite transform it rather than Node, which cannot import a stylesheet.
    server: { deps: { inline: ['element-plus'] } },
  },
})
