// @vitest-environment happy-dom
// Drafts kept for the tab: restored after signing in again, gone once sent, and a sent
// form starts truly empty (its lists are not the ones typed into last time).
import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { useDraft } from '../../src/lib/drafts'

beforeEach(() => sessionStorage.clear())

describe('drafts', () => {
  it('what was typed is there again after a reload of the page', async () => {
    const first = useDraft('t', { note: '', ticked: [] as string[] })
    first.form.note = '请补交租赁合同'
    first.form.ticked.push('租赁合同')
    await nextTick()
    const again = useDraft('t', { note: '', ticked: [] as string[] })
    expect(again.form.note).toBe('请补交租赁合同')
    expect(again.form.ticked).toEqual(['租赁合同'])
  })

  it('a cleared form keeps nothing, now or after more typing and another clear', async () => {
    const initial = { note: '', ticked: [] as string[] }
    const { form, clear } = useDraft('t', initial)
    form.ticked.push('身份证')
    await nextTick()
    clear()
    await nextTick()
    expect(sessionStorage.getItem('fingertip.draft.t')).toBeNull()
    form.ticked.push('照片')
    expect(initial.ticked).toEqual([])
    clear()
    expect(form.ticked).toEqual([])
  })
})
