// Each role's day in the console, end to end against a local stack of its own (started by
// tools/console-e2e.py, which sets E2E_API and E2E_TODAY): sign in through the sandbox's
// WeCom authorize page, do the role's work by clicking and typing, then check through the
// API what the citizen sees. Fails on any console error or serious accessibility violation.
import assert from 'node:assert/strict'
import { axe, launch, shot, watch } from './browser.mjs'
import { Citizen, idNumber } from './citizen.mjs'

const API = process.env.E2E_API ?? 'http://127.0.0.1:3000'
const TODAY = process.env.E2E_TODAY
const SANDBOX = process.env.E2E_SANDBOX ?? 'http://127.0.0.1:3001'
assert.ok(TODAY, 'E2E_TODAY: the stack\'s Shanghai date')
const problems = []
const context = await launch()

// A journey that fails leaves its pages photographed and their addresses printed.
process.on('uncaughtException', async (e) => {
  console.error(e)
  for (const [i, p] of context.pages().entries()) {
    console.error(`open page ${i}: ${p.url()}`)
    await shot(p, `failure-${i}`).catch(() => {})
  }
  process.exit(1)
})

async function page() {
  return watch(await context.newPage(), problems)
}

/** Signs in as a demo member by clicking through the sandbox's WeCom authorize page. */
async function signIn(p, user, landing) {
  await p.goto(`${API}/console/login`)
  await p.getByTestId('wecom-login').click()
  await p.locator(`a[data-user="${user}"]`).click()
  await p.waitForURL(new RegExp(`/console${landing}`))
  await p.getByTestId('who').waitFor()
}

async function check(p, name) {
  await axe(p, name, problems)
  await shot(p, name)
}

// The citizens, through the API.
const applicant = await new Citizen(API, 'e2e-applicant').signIn('李四', idNumber('19800101', 11), '13812340001')
const visitor = await new Citizen(API, 'e2e-visitor').signIn('王五', idNumber('19850505', 12), '13812340002')
const application = await applicant.apply('RSJ-0004')
const complaint = await applicant.call('POST', '/v1/feedback', {
  kind: 'complaint',
  content: '社保卡补办窗口没有一次告知缺什么材料，跑了两趟。',
  about: { deptCode: 'RSJ' },
})
const booking = await visitor.book('spb-center', TODAY, 'SWJ-0003')

// 窗口: check the visitor in by code, call, serve; a wrong code shows its error; intake.
{
  const p = await page()
  await signIn(p, 'chuangkou', '/workbench')
  await p.getByTestId('call-next').waitFor()
  await check(p, 'workbench')
  p.allow = [/status of 422/]
  await p.keyboard.press('F6')
  await p.keyboard.type('000000')
  await p.keyboard.press('Enter')
  await p.getByTestId('request-id').waitFor()
  p.allow = []
  await p.keyboard.press('F6')
  await p.keyboard.press('Control+A')
  await p.keyboard.type(booking.verificationCode)
  await p.keyboard.press('Enter')
  await p.getByTestId('note').filter({ hasText: '已签到' }).waitFor()
  await p.locator('body').click({ position: { x: 5, y: 700 } })
  await p.keyboard.press('F2')
  await p.getByTestId('current-number').filter({ hasText: /^[A-Z][0-9]{3}$/ }).waitFor()
  await shot(p, 'workbench-calling')
  await p.keyboard.press('F4')
  await p.getByTestId('note').filter({ hasText: '已办结' }).waitFor()
  const seen = await visitor.call('GET', `/v1/bookings/${booking.id}`)
  assert.equal(seen.status, 'completed', 'the visitor sees the visit completed')

  // Window intake with a scanned material, PUT from the page to its presigned URL.
  await p.getByRole('combobox', { name: '收件事项' }).click()
  await p.getByRole('option', { name: 'SCJG-0004' }).click()
  await p.getByLabel('申请人姓名').fill('赵六')
  await p.getByLabel('身份证号').fill(idNumber('19900909', 13))
  await p.getByLabel('手机号').fill('13812340003')
  const scan = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9])
  for (const input of await p.locator('.material input[type=file]').all()) {
    await input.setInputFiles({ name: 'scan.jpg', mimeType: 'image/jpeg', buffer: scan })
  }
  await p.getByTestId('intake-submit').click()
  await p.getByTestId('intake-created').waitFor()
  await shot(p, 'workbench-intake')
  await p.close()
}

// 代办: 月台村's agent prepares an application for a villager, who confirms it in WeChat;
// only then is it theirs, submitted, naming the station.
{
  const villagerId = idNumber('19600606', 14)
  const villager = await new Citizen(API, 'e2e-villager').signIn('陈七', villagerId, '13812340004')
  await villager.verify(SANDBOX, '陈七', villagerId)
  const p = await page()
  await signIn(p, 'daiban', '/proxy')
  await p.getByRole('combobox', { name: '收件事项' }).click()
  await p.getByRole('option', { name: 'YBJ-0001' }).click()
  await p.getByLabel('申请人姓名').fill('陈七')
  await p.getByLabel('身份证号').fill(villagerId)
  await p.getByLabel('手机号').fill('13812340004')
  const scan = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9])
  for (const input of await p.locator('.material input[type=file]').all()) {
    await input.setInputFiles({ name: 'scan.jpg', mimeType: 'image/jpeg', buffer: scan })
  }
  await p.getByLabel('代办说明').fill('村民行动不便，由站点代办')
  await p.getByTestId('intake-submit').click()
  await p.getByTestId('proxy-awaiting').waitFor()
  await check(p, 'proxy')
  const asked = await villager.call('GET', '/v1/me/consents')
  assert.equal(asked.items.length, 1, 'the villager is asked once')
  const done = await villager.call('POST', `/v1/me/consents/${asked.items[0].consentId}`, { decision: 'accept' })
  assert.equal(done.channel, 'proxy', 'confirmed, it is the villager\'s own 代办 application')
  assert.equal(done.intakeWindowId, 'tuzhu-yuetai.A')
  await p.close()
}

// 审批: the department's queue, the case, accept, complete; the citizen sees it completed.
{
  const p = await page()
  await signIn(p, 'rsj', '/cases')
  await p.getByTestId('queue').getByText(application.applicationNo).waitFor()
  await check(p, 'cases')
  await p.getByText(application.applicationNo).click()
  await p.getByTestId('status').waitFor()
  await p.getByTestId('action-accept').click()
  await p.getByTestId('send-action').click()
  await p.getByTestId('status').filter({ hasText: '已受理' }).waitFor()
  // A material shown inline (the opening is audited by the API).
  await p.locator('[data-test^="open-"]').first().click()
  await p.getByTestId('material-viewer').locator('img').waitFor()
  await check(p, 'case')
  await p.getByTestId('action-complete').click()
  await p.getByTestId('send-action').click()
  await p.getByTestId('status').filter({ hasText: '已办结' }).waitFor()
  await p.getByTestId('receipt').click()
  await p.getByTestId('document').waitFor()
  await shot(p, 'case-document')
  const mine = await applicant.call('GET', `/v1/applications/${application.applicationNo}`)
  assert.equal(mine.status, 'completed', 'the applicant sees the application completed')

  // A 差评 of it that the department rules mistaken: it waits for the supervisor (复核).
  await applicant.call('POST', `/v1/applications/${application.applicationNo}/evaluation`, {
    rating: 1,
    indicators: { 整体满意度: 1, 办事效率: 1, 办事便捷度: 1 },
    tags: ['办理超时'],
    comment: '等了很久',
  })
  await p.goto(`${API}/console/reviews`)
  await p.getByText('等了很久').waitFor()
  await p.getByLabel('说明').first().fill('系统记录显示当日即办结，属误评')
  await p.getByRole('button', { name: '认定无效' }).first().click()
  await p.getByText('等了很久').waitFor({ state: 'detached' })
  await check(p, 'reviews')

  // The department's 咨询投诉 desk answers the complaint; the citizen reads the answer.
  await p.goto(`${API}/console/feedback`)
  await p.getByText(complaint.feedbackNo).click()
  await p.getByLabel('答复或说明').fill('已核实，已对窗口人员进行一次告知培训，欢迎再次办理。')
  await p.getByRole('button', { name: '提交' }).click()
  // Sent: the form closes with the case it was for.
  await p.getByLabel('答复或说明').waitFor({ state: 'detached' })
  await check(p, 'feedback')
  const answered = await applicant.call('GET', `/v1/feedback/${complaint.feedbackNo}`)
  assert.equal(answered.status, 'replied', 'the citizen sees the complaint answered')
  await p.close()
}

// 大厅: the board counts the day's visit.
{
  const p = await page()
  await signIn(p, 'dating', '/hall')
  await p.getByTestId('counts').waitFor()
  await check(p, 'hall')
  await p.close()
}

// 监管: figures as charts, a 督办 order, the audit trail; a session that expires mid-form
// comes back to the same page with what was typed.
{
  const p = await page()
  await signIn(p, 'jiancha', '/feedback')
  await p.goto(`${API}/console/supervision`)
  await p.getByTestId('kpis').waitFor()
  await p.locator('canvas').first().waitFor()
  assert.ok((await p.locator('canvas').count()) >= 5, 'five charts')
  await check(p, 'supervision')
  // The other screen the halls have.
  await p.setViewportSize({ width: 1920, height: 1080 })
  await shot(p, 'supervision-1920')
  await p.setViewportSize({ width: 1366, height: 768 })

  // Supervisors read any hall's board, chosen from the catalog's halls.
  await p.goto(`${API}/console/hall`)
  await p.getByTestId('counts').waitFor()

  await p.goto(`${API}/console/orders`)
  await p.getByTestId('order-subject').fill(application.applicationNo)
  await p.getByTestId('order-dept').fill('RSJ')
  await p.getByTestId('order-instruction').fill('请说明办理情况')
  await p.evaluate(() => {
    const s = JSON.parse(sessionStorage.getItem('fingertip.session'))
    s.token = 'expired.token.value'
    sessionStorage.setItem('fingertip.session', JSON.stringify(s))
  })
  // The token the tab holds is no longer good (as after a shift ends or a member is
  // disabled): the page's first request is refused, and sign-in comes back to it.
  p.allow = [/status of 401/]
  await p.reload()
  await p.waitForURL(/\/console\/login\?expired=1/)
  await p.getByTestId('wecom-login').click()
  await p.locator('a[data-user="jiancha"]').click()
  await p.waitForURL(/\/console\/orders/)
  p.allow = []
  assert.equal(await p.getByTestId('order-instruction').inputValue(), '请说明办理情况', 'the draft survived')
  await p.getByTestId('order-issue').click()
  await p.getByTestId('orders').getByText(application.applicationNo).waitFor()
  await check(p, 'orders')

  // 差评复核: the department's ruling is upheld with the supervisor's note.
  await p.goto(`${API}/console/rulings`)
  await p.getByTestId('rulings').getByText('系统记录显示当日即办结，属误评').waitFor()
  await check(p, 'rulings')
  await p.getByLabel('复核意见').first().fill('核对办结时间属实，维持认定')
  await p.getByRole('button', { name: '维持认定' }).first().click()
  await p.getByText('暂无待复核的认定').waitFor()

  await p.goto(`${API}/console/audit`)
  await p.getByTestId('audit-subject').fill(`application:${application.applicationNo}`)
  await p.getByTestId('audit-search').click()
  await p.getByTestId('audit').getByText('application.accept').waitFor()
  await p.getByTestId('audit').getByText('material.open').first().waitFor()
  await check(p, 'audit')
  await p.close()
}

// 名录: the admin reads the directory.
{
  const p = await page()
  await signIn(p, 'admin', '/staff')
  await p.getByTestId('directory').getByText('jiancha').waitFor()
  await check(p, 'staff')
  // A new approver for 区人社局, enrolled through the dialog.
  await p.getByRole('button', { name: '新增人员' }).click()
  await p.getByLabel('政务微信账号').fill('e2e-approver')
  await p.getByLabel('姓名', { exact: true }).fill('新审批员')
  await p.getByRole('dialog').getByText('审批', { exact: true }).click()
  await p.getByLabel('部门代码').fill('RSJ')
  await p.getByRole('button', { name: '保存' }).click()
  await p.getByTestId('directory').getByText('e2e-approver').waitFor()
  await shot(p, 'staff-added')
  await p.close()
}

// The API's documentation.
{
  const p = await page()
  await p.goto(`${API}/docs`)
  // Redoc rendered the file: its title, and an operation under its tag.
  await p.getByRole('heading', { name: /指尖办 \(Fingertip\) API/ }).waitFor({ timeout: 30_000 })
  await p.getByText('The caller\'s department\'s cases, by status, or overdue.').first().waitFor({ state: 'attached' })
  await shot(p, 'docs')
  await p.close()
}

await context.close()
if (problems.length) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log('console e2e: every journey passed')
