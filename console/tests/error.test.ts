import { describe, expect, it } from 'vitest'
import { ApiError, fallbackMessage } from '../src/api/error'
import { correctionItems } from '../src/lib/returns'

describe('errors as the API gives them', () => {
  it('keeps the Chinese message, the code, the fields and the request id', () => {
    const e = new ApiError(400, {
      error: { code: 'VALIDATION_FAILED', message: '请求参数有误', details: { fields: { reasonCode: '应为…' } }, requestId: 'req-1' },
    })
    expect([e.message, e.code, e.requestId, e.fields.reasonCode]).toEqual(['请求参数有误', 'VALIDATION_FAILED', 'req-1', '应为…'])
    expect(e.unauthenticated).toBe(false)
  })

  it('says something a person understands when the answer had no body', () => {
    const e = new ApiError(502, null, 'from-header')
    expect(e.message).toBe(fallbackMessage(502))
    expect(e.requestId).toBe('from-header')
    expect(new ApiError(0, null).message).toContain('无法连接')
  })

  it('an expired session is told apart', () => {
    expect(new ApiError(401, { error: { code: 'UNAUTHENTICATED', message: '请重新登录' } }).unauthenticated).toBe(true)
  })
})

describe('the correction checklist', () => {
  it('lists the ticked materials and each typed line once', () => {
    expect(correctionItems(['身份证'], ' 近期照片 \n\n身份证\n')).toEqual(['身份证', '近期照片'])
  })
})
