// The signed-in member: their token and directory entry, kept for the tab (sessionStorage),
// so a reload keeps the session and closing the tab ends it. Also where the page and the
// drafts wait while an expired session signs in again.

import { reactive } from 'vue'
import type { Role, StaffLogin, StaffMember } from './api/types'

const KEY = 'fingertip.session'
const RETURN_KEY = 'fingertip.return'
const STATE_KEY = 'fingertip.oauth-state'

interface Saved {
  token: string
  expiresAt: string
  staff: StaffMember
}

function load(): Saved | null {
  try {
    const raw = sessionStorage.getItem(KEY)
    return raw ? (JSON.parse(raw) as Saved) : null
  } catch {
    return null
  }
}

export const session = reactive<{ current: Saved | null }>({ current: load() })

export function signIn(login: StaffLogin): void {
  session.current = { token: login.token, expiresAt: login.expiresAt, staff: login.staff }
  sessionStorage.setItem(KEY, JSON.stringify(session.current))
}

export function signOut(): void {
  session.current = null
  sessionStorage.removeItem(KEY)
}

/** The token while it is still good; an expired one is dropped. */
export function token(now: Date = new Date()): string | null {
  const s = session.current
  if (!s) return null
  if (new Date(s.expiresAt).getTime() <= now.getTime()) return null
  return s.token
}

export function has(role: Role): boolean {
  return session.current?.staff.roles.includes(role) ?? false
}

/** Remembers where the person was, to return there after signing in again. */
export function rememberReturn(path: string): void {
  sessionStorage.setItem(RETURN_KEY, path)
}

export function takeReturn(): string | null {
  const p = sessionStorage.getItem(RETURN_KEY)
  sessionStorage.removeItem(RETURN_KEY)
  return p && p.startsWith('/') ? p : null
}

/** A fresh OAuth `state`, kept to check the callback against (a forged callback fails). */
export function newState(): string {
  const s = crypto.randomUUID().replace(/-/g, '')
  sessionStorage.setItem(STATE_KEY, s)
  return s
}

export function checkState(got: string | null): boolean {
  const want = sessionStorage.getItem(STATE_KEY)
  sessionStorage.removeItem(STATE_KEY)
  return !!want && want === got
}
