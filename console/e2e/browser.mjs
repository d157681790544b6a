// Debian's Chromium, headless, through playwright-core: a fresh profile, no sandbox (we
// run as root), no background networking (the machine's network is closed). Every page is
// checked for console errors and for serious accessibility violations (axe-core), and
// photographed under target/console-e2e/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, selectors } from 'playwright-core'

// The console marks what tests look for with data-test.
selectors.setTestIdAttribute('data-test')

const require = createRequire(import.meta.url)
const AXE = require.resolve('axe-core/axe.min.js')

export const SHOTS = new URL('../../target/console-e2e/', import.meta.url).pathname
// Each run's pictures alone.
rmSync(SHOTS, { recursive: true, force: true })
mkdirSync(SHOTS, { recursive: true })

export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'console-e2e-'))
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-quic', '--disable-component-update', '--disable-sync'],
  })
}

/** A page that records what would make the run fail: console errors and uncaught errors. */
export function watch(page, problems) {
  page.allow = []
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    const text = m.text()
    // A 4xx a step provokes on purpose shows as a failed resource; the step says which.
    if (page.allow.some((re) => re.test(text))) return
    problems.push(`console error on ${page.url()}: ${text}`)
  })
  page.on('pageerror', (e) => problems.push(`uncaught on ${page.url()}: ${e.message}`))
  return page
}

/** Serious or critical axe-core violations on the page as it is now. */
export async function axe(page, name, problems) {
  await page.addScriptTag({ path: AXE })
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await window.axe.run(document, { resultTypes: ['violations'] })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))
  })
  for (const v of result.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
    problems.push(`axe ${name}: ${v.id} (${v.impact}) at ${v.nodes.join(' | ')}`)
  }
}

export async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
}
