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

/** The page's serious or critical axe-core violations, each with why (a contrast ruling
 * names both colours and the ratio). */
async function violations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE })
  // Fonts in and two frames painted: what a reader would see, not a layout in flight.
  await page.evaluate(() => document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))))
  const found = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await window.axe.run(document, { resultTypes: ['violations'] })
    const why = (n) => (n.any[0] ?? n.all[0] ?? n.none[0])?.message ?? ''
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => ({ at: n.target.join(' '), why: why(n) })) }))
  })
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => ({ key: `${v.id} (${v.impact}) at ${n.at}`, why: n.why })))
}

/** Fails the run on a serious accessibility violation on the page as it is now. A finding
 * is looked at a second time before it counts: axe measures the page while the page may
 * still be laying itself out: a contrast ruling on the header's role tag (6.1:1 when
 * measured settled) once failed a run and did not come back in thirteen reruns. What holds
 * fails; what does not is printed with its colours, to be read. */
export async function axe(page, name, problems) {
  const first = await violations(page)
  if (!first.length) return
  await page.waitForTimeout(500)
  const again = new Map((await violations(page)).map((v) => [v.key, v.why]))
  for (const v of first) {
    if (again.has(v.key)) problems.push(`axe ${name}: ${v.key}: ${again.get(v.key)}`)
    else console.log(`axe ${name}: seen once, gone on a second look: ${v.key}: ${v.why}`)
  }
  for (const [key, why] of again) {
    if (!first.some((v) => v.key === key)) problems.push(`axe ${name}: ${key}: ${why}`)
  }
}

export async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
}
