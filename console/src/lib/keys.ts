// The window's keys: a clerk calls, checks in and finishes without reaching for the mouse.
// F2 calls the next number, F4 ends the visit as served, F8 as absent, F9 transfers it,
// and F6 (or `/` outside a field) puts the cursor in the check-in code box.

export type WindowAction = 'call-next' | 'served' | 'absent' | 'transferred' | 'focus-code'

export interface KeyLike {
  key: string
  ctrlKey?: boolean
  altKey?: boolean
  metaKey?: boolean
  /** Whether the key was typed into a text field. */
  inField?: boolean
}

export function windowAction(e: KeyLike): WindowAction | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null
  switch (e.key) {
    case 'F2':
      return 'call-next'
    case 'F4':
      return 'served'
    case 'F8':
      return 'absent'
    case 'F9':
      return 'transferred'
    case 'F6':
      return 'focus-code'
    case '/':
      return e.inField ? null : 'focus-code'
    default:
      return null
  }
}

export const KEY_HELP: [string, string][] = [
  ['F2', '叫下一位'],
  ['F4', '办结（已服务）'],
  ['F8', '未到（过号）'],
  ['F9', '转其他窗口'],
  ['F6 或 /', '输入核验码'],
]
