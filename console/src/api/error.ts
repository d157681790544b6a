// The API's one error shape, as the console shows it: the Chinese message where the person
// acted, the field reasons beside their fields, and the request id to quote to support.

export interface ErrorBody {
  error?: {
    code?: string
    message?: string
    details?: { fields?: Record<string, string> } & Record<string, unknown>
    requestId?: string
  }
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly requestId: string | null
  readonly fields: Record<string, string>
  readonly details: Record<string, unknown>

  constructor(status: number, body: ErrorBody | null, fallbackRequestId: string | null = null) {
    const e = body?.error
    super(e?.message ?? fallbackMessage(status))
    this.name = 'ApiError'
    this.status = status
    this.code = e?.code ?? (status === 0 ? 'NETWORK' : `HTTP_${status}`)
    this.requestId = e?.requestId ?? fallbackRequestId
    this.fields = e?.details?.fields ?? {}
    this.details = e?.details ?? {}
  }

  /** The session is over: sign in again. */
  get unauthenticated(): boolean {
    return this.status === 401
  }
}

/** What to say when the answer carried no message of its own (a proxy's page, no network). */
export function fallbackMessage(status: number): string {
  if (status === 0) return '无法连接服务器，请检查网络后重试'
  if (status === 429) return '操作过于频繁，请稍后再试'
  if (status >= 500) return '服务暂时不可用，请稍后再试'
  return `请求未成功（${status}）`
}
