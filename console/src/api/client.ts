// Talks to the API: the staff token on every request, JSON in and out, an Idempotency-Key on
// creating POSTs, and every failure turned into an ApiError. A 401 ends the session through
// the handler the app registers (back to sign-in, keeping the page and what was typed).

import { ApiError, type ErrorBody } from './error'

export type Query = Record<string, string | number | boolean | undefined | null>

interface Options {
  method?: 'GET' | 'POST' | 'PUT'
  body?: unknown
  query?: Query
  /** Sends an Idempotency-Key (creating POSTs), so a retried click writes nothing twice. */
  idempotent?: boolean
}

let base = ''
let token: () => string | null = () => null
let onUnauthenticated: (e: ApiError) => void = () => {}

export function configure(opts: {
  apiBase: string
  token: () => string | null
  onUnauthenticated: (e: ApiError) => void
}): void {
  base = opts.apiBase.replace(/\/$/, '')
  token = opts.token
  onUnauthenticated = opts.onUnauthenticated
}

export function url(path: string, query?: Query): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  }
  const s = q.toString()
  return `${base}${path}${s ? `?${s}` : ''}`
}

export function newKey(): string {
  return crypto.randomUUID()
}

export async function request<T>(path: string, opts: Options = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  const t = token()
  if (t) headers.authorization = `Bearer ${t}`
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  if (opts.idempotent) headers['idempotency-key'] = newKey()
  let resp: Response
  try {
    resp = await fetch(url(path, opts.query), {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    })
  } catch {
    throw new ApiError(0, null)
  }
  const text = await resp.text()
  let data: unknown = null
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (!resp.ok) {
    const err = new ApiError(resp.status, data as ErrorBody | null, resp.headers.get('x-request-id'))
    if (err.unauthenticated) onUnauthenticated(err)
    throw err
  }
  return data as T
}

export const get = <T>(path: string, query?: Query) => request<T>(path, { query })
export const post = <T>(path: string, body?: unknown, idempotent = false) =>
  request<T>(path, { method: 'POST', body: body ?? {}, idempotent })
export const put = <T>(path: string, body: unknown) => request<T>(path, { method: 'PUT', body })
