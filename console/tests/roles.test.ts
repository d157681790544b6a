import { describe, expect, it } from 'vitest'
import { homeFor, mayOpen, sectionsFor } from '../src/lib/roles'

describe('what each role sees', () => {
  it('window staff land on the workbench and see nothing of supervision', () => {
    expect(homeFor(['window'])).toBe('/workbench')
    expect(mayOpen(['window'], '/supervision')).toBe(false)
    expect(mayOpen(['window'], '/audit')).toBe(false)
  })

  it('an approver lands on the cases and may open one case below them', () => {
    expect(homeFor(['approver'])).toBe('/cases')
    expect(mayOpen(['approver'], '/cases/SQ20261203ABCDEFGH')).toBe(true)
    expect(mayOpen(['approver'], '/staff')).toBe(false)
  })

  it('a member with several roles sees the sections of each once, in menu order', () => {
    const paths = sectionsFor(['supervisor', 'admin']).map((s) => s.path)
    expect(paths).toEqual(['/feedback', '/orders', '/hall', '/supervision', '/rulings', '/alerts', '/audit', '/staff'])
    expect(new Set(paths).size).toBe(paths.length)
  })

  it('a member without a known role is sent to sign in', () => {
    expect(homeFor([])).toBe('/login')
  })
})
