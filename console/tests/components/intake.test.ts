// @vitest-environment happy-dom
// Window intake as rendered: a mistyped ID number or phone, a missing field or material is
// named beside its field and nothing is sent; a good form is sent once, as the window's.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import Intake from '../../src/components/Intake.vue'

const api = vi.hoisted(() => ({ get: vi.fn(), post: vi.fn() }))
vi.mock('../../src/api/client', () => api)

const ITEM = {
  code: 'SCJG-001',
  name: '个体工商户设立登记',
  form: [
    { name: 'applicantName', label: '申请人', type: 'text', required: true },
    { name: 'shopName', label: '字号名称', type: 'text', required: true },
  ],
  materials: [] as { code: string; name: string; required: boolean }[],
}

async function mountWith(item = ITEM, proxy = false) {
  sessionStorage.setItem(`fingertip.draft.${proxy ? 'proxy' : 'intake'}`, JSON.stringify({ itemCode: item.code }))
  api.get.mockResolvedValue(item)
  const w = mount(Intake, {
    props: { items: [item.code], windowId: 'W01', proxy },
    // Field messages appear through a transition; render it as the browser does.
    global: { stubs: { transition: false, 'transition-group': false } },
  })
  await flushPromises()
  return w
}

async function fill(w: Awaited<ReturnType<typeof mountWith>>, values: Record<string, string>) {
  for (const [label, value] of Object.entries(values)) await w.find(`input[aria-label="${label}"]`).setValue(value)
}

const submit = async (w: Awaited<ReturnType<typeof mountWith>>) => {
  await w.find('form').trigger('submit')
  await flushPromises()
}

beforeEach(() => {
  sessionStorage.clear()
  api.get.mockReset()
  api.post.mockReset()
})

describe('window intake', () => {
  it("shows the item's own fields but not the applicant's, which come from above", async () => {
    const w = await mountWith()
    expect(w.find('input[aria-label="字号名称"]').exists()).toBe(true)
    expect(w.find('input[aria-label="申请人"]').exists()).toBe(false)
  })

  it('names each bad field and sends nothing', async () => {
    const w = await mountWith()
    await fill(w, { 申请人姓名: '张三', 身份证号: '11010519491231002X'.replace('X', '9'), 手机号: '1380013800' })
    await submit(w)
    // Element Plus shows a field's message a moment after the field turns red.
    await vi.waitFor(() => expect(w.findAll('.el-form-item__error').length).toBe(3))
    const errors = w.findAll('.el-form-item__error').map((e) => e.text())
    expect(errors.join()).toContain('字号名称')
    expect(api.post).not.toHaveBeenCalled()
  })

  it('a required material not scanned stops the intake', async () => {
    const w = await mountWith({ ...ITEM, materials: [{ code: 'ID', name: '身份证', required: true }] })
    await fill(w, { 申请人姓名: '张三', 身份证号: '11010519491231002X', 手机号: '13800138000', 字号名称: '张三小吃' })
    await submit(w)
    await vi.waitFor(() => expect(w.text()).toContain('缺少材料：身份证'))
    expect(api.post).not.toHaveBeenCalled()
  })

  it('a good form is sent as a window application, and its number shown', async () => {
    api.post.mockResolvedValue({ applicationNo: 'SB20261203000007' })
    const w = await mountWith()
    await fill(w, { 申请人姓名: ' 张三 ', 身份证号: '11010519491231002x', 手机号: '13800138000', 字号名称: '张三小吃' })
    await submit(w)
    expect(api.post).toHaveBeenCalledTimes(1)
    expect(api.post.mock.calls[0][0]).toBe('/v1/applications')
    expect(api.post.mock.calls[0][1]).toEqual({
      itemCode: 'SCJG-001',
      channel: 'window',
      applicant: { realName: '张三', idNumber: '11010519491231002X', phone: '13800138000' },
      form: { shopName: '张三小吃', applicantName: '张三' },
      materials: [],
    })
    expect(w.find('[data-test="intake-created"]').text()).toContain('SB20261203000007')
    expect(sessionStorage.getItem('fingertip.draft.intake')).toBeNull()
  })

  it("a station agent's form is sent as a 代办 with their note, and waits for the citizen", async () => {
    api.post.mockResolvedValue({ consentId: 'p0123', status: 'awaiting_consent', expiresAt: '2026-12-04T01:30:00Z' })
    const w = await mountWith(ITEM, true)
    expect(w.find('[data-test="intake-submit"]').text()).toBe('发起代办')
    await fill(w, { 申请人姓名: '张三', 身份证号: '11010519491231002X', 手机号: '13800138000', 字号名称: '张三小吃' })
    await fill(w, { 代办说明: '村民行动不便' })
    await submit(w)
    expect(api.post).toHaveBeenCalledTimes(1)
    expect(api.post.mock.calls[0][1]).toMatchObject({ channel: 'proxy', note: '村民行动不便' })
    // The citizen's deadline, in Beijing time whatever the PC's zone.
    expect(w.find('[data-test="proxy-awaiting"]').text()).toContain('2026-12-04 09:30')
    expect(w.find('[data-test="intake-created"]').exists()).toBe(false)
    expect(sessionStorage.getItem('fingertip.draft.proxy')).toBeNull()
  })
})
