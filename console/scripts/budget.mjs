// The console's size budget, measured on the build (Vite's manifest): for each page, the
// JavaScript and CSS it needs before it shows (the entry, the page's chunk and everything
// they import statically, with their stylesheets), gzipped, at most 400 KB; and the charts
// (ECharts) in the supervision page's files alone. Writes dist/budget.json for
// docs/PERFORMANCE.md.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const BUDGET = 400 * 1024
const dist = new URL('../dist/', import.meta.url).pathname
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'))
const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length

/** Every file `key` needs before it runs: its own, its static imports', their CSS. */
function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen
  seen.add(key)
  for (const k of manifest[key].imports ?? []) closure(k, seen)
  return seen
}
function files(keys) {
  const out = new Set()
  for (const k of keys) {
    out.add(manifest[k].file)
    for (const c of manifest[k].css ?? []) out.add(c)
  }
  return [...out]
}

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry)
const pages = Object.keys(manifest).filter((k) => k.startsWith('src/pages/'))
const report = { budget: BUDGET, pages: {} }
let over = false
for (const page of pages) {
  // Every page but sign-in shows inside the frame, loaded with it.
  const framed = !/(Login|Callback)\.vue$/.test(page)
  const layout = 'src/components/Layout.vue'
  const keys = new Set([...closure(entry), ...closure(page), ...(framed ? closure(layout) : [])])
  const fs = files(keys)
  const total = fs.reduce((a, f) => a + gz(f), 0)
  const charts = fs.some((f) => f.endsWith('.js') && readFileSync(join(dist, f), 'utf8').includes('echarts'))
  const name = page.replace('src/pages/', '').replace('.vue', '')
  report.pages[name] = { gzip: total, files: fs.length, charts }
  console.log(`${name.padEnd(12)} ${(total / 1024).toFixed(1).padStart(6)} KB gzipped${charts ? ' (charts)' : ''}`)
  if (total > BUDGET) {
    console.error(`  over the ${BUDGET / 1024} KB budget`)
    over = true
  }
  if (charts && name !== 'Supervision') {
    console.error('  loads the charts, which only the supervision page should')
    over = true
  }
}
writeFileSync(join(dist, 'budget.json'), JSON.stringify(report, null, 2))
process.exit(over ? 1 : 0)
