import { describe, expect, it } from 'vitest'
import { addDays, formatTime, shanghaiDate } from '../src/lib/time'

describe('times are Shanghai times whatever the PC says', () => {
  it('the day turns at midnight in Shanghai, not at UTC midnight', () => {
    // 2026-12-02T16:30Z is 00:30 on the 3rd in Shanghai.
    expect(shanghaiDate(new Date('2026-12-02T16:30:00Z'))).toBe('2026-12-03')
    expect(shanghaiDate(new Date('2026-12-02T15:59:00Z'))).toBe('2026-12-02')
  })

  it('formats an instant with its Shanghai clock', () => {
    expect(formatTime('2026-12-03T01:05:00Z')).toBe('2026-12-03 09:05')
    expect(formatTime('2026-12-03T09:05:00+08:00')).toBe('2026-12-03 09:05')
    expect(formatTime(null)).toBe('')
  })

  it('counts days across a month end', () => {
    expect(addDays('2026-11-29', 5)).toBe('2026-12-04')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
  })
})
