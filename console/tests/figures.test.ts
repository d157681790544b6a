import { describe, expect, it } from 'vitest'
import { departments, percent, returnsByReason, type Overview, type Row } from '../src/lib/figures'

function row(unit: string, extra: Partial<Row> = {}): Row {
  return {
    unit, received: 0, completed: 0, completedOnTime: 0, onTimeRate: null, overdue: 0, rejected: 0, corrections: 0,
    feedbackReceived: 0, feedbackReplied: 0, feedbackOverdue: 0,
    returnsByReason: { rejected: {}, corrections: {} },
    evaluations: { count: 0, satisfactionRate: null, bad: 0, badOpen: 0 },
    ...extra,
  }
}

const overview: Overview = {
  from: '2026-12-01', to: '2026-12-03', asOf: '2026-12-03',
  reasons: [
    { code: 'materials_incomplete', label: '材料不齐全' },
    { code: 'duplicate', label: '重复申报' },
    { code: 'unspecified', label: '未注明' },
  ],
  district: row('', {
    returnsByReason: {
      rejected: { materials_incomplete: 1, duplicate: 3, unspecified: 0 },
      corrections: { materials_incomplete: 4, duplicate: 0, unspecified: 0 },
    },
  }),
  units: [row('RSJ'), row('dispatch'), row('hall:spb-center'), row('SCJG')],
}

describe('the supervision charts', () => {
  it('chart departments, not the desks that are not one', () => {
    expect(departments(overview).map((r) => r.unit)).toEqual(['RSJ', 'SCJG'])
  })

  it('show 退件 by reason largest first, leaving out reasons nobody gave', () => {
    expect(returnsByReason(overview)).toEqual([
      { label: '材料不齐全', rejected: 1, corrections: 4 },
      { label: '重复申报', rejected: 3, corrections: 0 },
    ])
  })

  it('show a rate as a percentage, and nothing when nothing was completed', () => {
    expect(percent(0.91666)).toBe(91.7)
    expect(percent(null)).toBeNull()
  })
})
