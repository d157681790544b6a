// @vitest-environment happy-dom
// The approver's actions as rendered: which actions a case's state offers, and what the
// form sends for each: the 退件 category only with a refusal or a correction.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import CaseActions from '../../src/components/CaseActions.vue'
import { ApiError } from '../../src/api/error'
import type { Application, SubCase } from '../../src/api/types'

const post = vi.hoisted(() => vi.fn())
vi.mock('../../src/api/client', () => ({ post }))

function mountFor(status: string, extra: Partial<SubCase> = {}, instant = false) {
  const sub = { itemCode: 'SCJG-001', status, ...extra } as SubCase
  const app = { applicationNo: 'SB20261203000001', version: 3, subCases: [sub] } as unknown as Application
  const materials = [
    { code: 'ID', name: '身份证' },
    { code: 'LEASE', name: '租赁合同' },
  ]
  return mount(CaseActions, { props: { app, sub, materials, instant } })
}

const actionsOf = (w: ReturnType<typeof mountFor>) =>
  w.findAll('[data-test^="action-"]').map((b) => b.attributes('data-test')!.slice('action-'.length))

beforeEach(() => {
  sessionStorage.clear()
  post.mockReset()
})

describe('the actions a case offers', () => {
  it('a submitted case can be accepted, sent back for correction or refused, but not decided', () => {
    expect(actionsOf(mountFor('submitted'))).toEqual(['accept', 'request_correction', 'reject'])
  })

  it('a submitted 即办件 can also be completed on the spot', () => {
    expect(actionsOf(mountFor('submitted', {}, true))).toContain('complete')
  })

  it('an accepted case is decided once, then only corrected or completed', () => {
    expect(actionsOf(mountFor('accepted'))).toEqual(['decide', 'request_correction', 'complete'])
    expect(actionsOf(mountFor('accepted', { decision: { verdict: 'approve', basis: '《行政许可法》第三十八条', reason: null, at: '2026-12-03T10:00:00+08:00' } }))).toEqual([
      'request_correction',
      'complete',
    ])
  })

  it('a completed case offers nothing and says so', () => {
    const w = mountFor('completed')
    expect(actionsOf(w)).toEqual([])
    expect(w.text()).toContain('无可办理的操作')
  })
})

describe('what the form sends', () => {
  async function choose(w: ReturnType<typeof mountFor>, action: string) {
    await w.find(`[data-test="action-${action}"] input`).setValue(true)
  }

  it('a refusal carries its category and the case version', async () => {
    post.mockResolvedValue({ applicationNo: 'SB20261203000001' })
    const w = mountFor('submitted')
    await choose(w, 'reject')
    expect(w.find('[data-test="reason-code"]').exists()).toBe(true)
    ;(w.vm as unknown as { form: { reasonCode: string } }).form.reasonCode = 'not_in_scope'
    await w.find('textarea[aria-label="说明"]').setValue('  不属于本部门职责  ')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(post).toHaveBeenCalledWith('/v1/staff/applications/SB20261203000001/transitions', {
      action: 'reject',
      version: 3,
      itemCode: 'SCJG-001',
      note: '不属于本部门职责',
      reasonCode: 'not_in_scope',
    })
    expect(w.emitted('changed')).toHaveLength(1)
  })

  it('acceptance has no category field and sends none', async () => {
    post.mockResolvedValue({})
    const w = mountFor('submitted')
    await choose(w, 'accept')
    expect(w.find('[data-test="reason-code"]').exists()).toBe(false)
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(post.mock.calls[0][1]).toEqual({ action: 'accept', version: 3, itemCode: 'SCJG-001' })
  })

  it('a correction lists the ticked materials (一次告知)', async () => {
    post.mockResolvedValue({})
    const w = mountFor('submitted')
    await choose(w, 'request_correction')
    await w.findAll('.el-checkbox input')[1].setValue(true)
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(post.mock.calls[0][1]).toMatchObject({ action: 'request_correction', correctionItems: ['租赁合同'] })
  })

  it('a refused request shows the API message and its request id, and keeps the draft', async () => {
    post.mockRejectedValue(
      new ApiError(409, { error: { code: 'VERSION_CONFLICT', message: '办件已被他人更新，请刷新', requestId: 'req-42' } }),
    )
    const w = mountFor('submitted')
    await choose(w, 'accept')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.find('[role="alert"]').text()).toContain('办件已被他人更新')
    expect(w.find('[data-test="request-id"]').text()).toBe('req-42')
    expect(w.emitted('changed')).toBeUndefined()
    expect(sessionStorage.getItem('fingertip.draft.case.SB20261203000001.SCJG-001')).toContain('"action":"accept"')
  })
})
