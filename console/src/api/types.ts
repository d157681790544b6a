// The shapes the console reads, as docs/openapi.yaml documents them (only the fields used).

export type Role = 'window' | 'approver' | 'hall_manager' | 'supervisor' | 'dispatcher' | 'admin' | 'agent'

export interface StaffMember {
  id: string
  wecomUserId: string
  name: string
  roles: Role[]
  deptCode: string | null
  hallIds: string[]
  windowIds: string[]
  disabled: boolean
  version: number
  createdAt?: string
  updatedAt?: string
}

export interface StaffLogin {
  token: string
  expiresAt: string
  staff: StaffMember
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export interface SubCase {
  itemCode: string
  itemName: string
  deptCode: string
  status: string
  statusText: string
  acceptedAt: string | null
  deadline: string | null
  nearDue: boolean
  overdue: boolean
  clockStopped: boolean
  correctionItems: string[]
  legalDays?: number | null
  returnReason?: { code: string; label: string } | null
  decision?: { verdict: 'approve' | 'deny'; basis: string; reason: string | null; at: string } | null
}

export interface TimelineEntry {
  at: string
  status: string
  statusText?: string
  action?: string
  actor: string
  note?: string | null
}

export interface MaterialRef {
  code: string
  name?: string
  objectKey: string
  contentType?: string
}

export interface Application {
  applicationNo: string
  itemCode?: string
  packageCode?: string | null
  subjectName?: string
  status: string
  statusText: string
  version: number
  submittedAt: string
  deadline: string | null
  timeline: TimelineEntry[]
  subCases: SubCase[]
  form?: Record<string, unknown>
  materials?: MaterialRef[]
  correction?: { items: string[]; note: string; requestedAt: string } | null
  channel?: string
  delivery?: { method: string; address?: string } | null
  /** The enterprise (法人) it was made for. */
  enterprise?: { creditCode: string; name: string } | null
}
