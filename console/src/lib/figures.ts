// The supervision overview turned into what the charts show. Pure, so it is unit-tested.

export interface Row {
  unit?: string
  received: number
  completed: number
  completedOnTime: number
  onTimeRate: number | null
  overdue: number
  rejected: number
  corrections: number
  feedbackReceived: number
  feedbackReplied: number
  feedbackOverdue: number
  returnsByReason: { rejected: Record<string, number>; corrections: Record<string, number> }
  evaluations: { count: number; satisfactionRate: number | null; bad: number; badOpen: number }
}

export interface Overview {
  from: string
  to: string
  asOf: string | null
  reasons: { code: string; label: string }[]
  district: Row
  units: Row[]
}

/** Departments only (the desks `hall:…`, `dispatch`, `supervision` have no cases), by code. */
export function departments(o: Overview): Row[] {
  return o.units.filter((u) => u.unit && !u.unit.includes(':') && u.unit === u.unit.toUpperCase())
}

/** On-time rate as a percentage with one decimal, or null when nothing completed. */
export function percent(rate: number | null): number | null {
  return rate === null ? null : Math.round(rate * 1000) / 10
}

/** 退件 by reason for the district: each category's rejections and corrections, largest first, zeros left out. */
export function returnsByReason(o: Overview): { label: string; rejected: number; corrections: number }[] {
  const r = o.district.returnsByReason
  return o.reasons
    .map((x) => ({ label: x.label, rejected: r.rejected[x.code] ?? 0, corrections: r.corrections[x.code] ?? 0 }))
    .filter((x) => x.rejected + x.corrections > 0)
    .sort((a, b) => b.rejected + b.corrections - (a.rejected + a.corrections))
}
