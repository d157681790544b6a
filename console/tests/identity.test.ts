import { describe, expect, it } from 'vitest'
import { idNumberProblem, phoneProblem } from '../src/lib/identity'

describe('the window checks an applicant before sending', () => {
  it('accepts an ID number whose GB 11643 check digit is right, X included', () => {
    expect(idNumberProblem('11010519491231002X')).toBeNull()
    expect(idNumberProblem('11010519491231002x')).toBeNull()
  })

  it('names what is wrong with a number that is not one', () => {
    expect(idNumberProblem('110105194912310021')).toBe('身份证号校验位不正确')
    expect(idNumberProblem('110105194902300021')).toBe('身份证号中的出生日期无效')
    expect(idNumberProblem('1101051949')).toBe('身份证号应为18位')
  })

  it('accepts mainland mobile numbers only', () => {
    expect(phoneProblem('13812345678')).toBeNull()
    expect(phoneProblem('12812345678')).not.toBeNull()
    expect(phoneProblem('1381234567')).not.toBeNull()
  })
})
