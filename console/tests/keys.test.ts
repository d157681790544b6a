import { describe, expect, it } from 'vitest'
import { windowAction } from '../src/lib/keys'

describe('the window keys', () => {
  it('function keys act wherever the cursor is', () => {
    expect(windowAction({ key: 'F2', inField: true })).toBe('call-next')
    expect(windowAction({ key: 'F4' })).toBe('served')
    expect(windowAction({ key: 'F8' })).toBe('absent')
    expect(windowAction({ key: 'F9' })).toBe('transferred')
  })

  it('a slash typed into a field stays text, and outside one focuses the code box', () => {
    expect(windowAction({ key: '/', inField: true })).toBeNull()
    expect(windowAction({ key: '/', inField: false })).toBe('focus-code')
  })

  it('keys with a modifier are the browser\'s, not ours', () => {
    expect(windowAction({ key: 'F4', altKey: true })).toBeNull()
    expect(windowAction({ key: 'F2', ctrlKey: true })).toBeNull()
  })
})
