// What each role sees: the console's sections, in menu order, and where a member lands
// after signing in (the first section of their first role that has one).

import type { Role } from '../api/types'

export interface Section {
  path: string
  title: string
  roles: Role[]
}

export const SECTIONS: Section[] = [
  { path: '/workbench', title: '工作台', roles: ['window'] },
  { path: '/proxy', title: '代办', roles: ['agent'] },
  { path: '/cases', title: '办件', roles: ['approver'] },
  { path: '/reviews', title: '差评整改', roles: ['approver'] },
  { path: '/feedback', title: '咨询投诉', roles: ['approver', 'dispatcher', 'supervisor'] },
  { path: '/orders', title: '督办', roles: ['approver', 'supervisor'] },
  { path: '/hall', title: '大厅', roles: ['hall_manager', 'supervisor'] },
  { path: '/supervision', title: '监管', roles: ['supervisor'] },
  { path: '/rulings', title: '差评复核', roles: ['supervisor'] },
  { path: '/alerts', title: '预警', roles: ['supervisor', 'approver', 'hall_manager', 'dispatcher'] },
  { path: '/audit', title: '留痕', roles: ['supervisor'] },
  { path: '/staff', title: '人员', roles: ['admin'] },
]

export function sectionsFor(roles: readonly Role[]): Section[] {
  return SECTIONS.filter((s) => s.roles.some((r) => roles.includes(r)))
}

export function homeFor(roles: readonly Role[]): string {
  return sectionsFor(roles)[0]?.path ?? '/login'
}

/** Whether a member with `roles` may open `path` (a section, or a page below one). */
export function mayOpen(roles: readonly Role[], path: string): boolean {
  const section = SECTIONS.find((s) => path === s.path || path.startsWith(`${s.path}/`))
  return section ? section.roles.some((r) => roles.includes(r)) : true
}

export const ROLE_NAMES: Record<Role, string> = {
  window: '窗口',
  approver: '审批',
  hall_manager: '大厅管理',
  supervisor: '监管',
  dispatcher: '派单',
  admin: '名录管理',
  agent: '代办',
}
