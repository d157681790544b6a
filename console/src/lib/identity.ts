// Checks the window makes before sending an applicant's identity, so the clerk hears about
// a mistyped number at once (the API checks again: these only spare a round trip).

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

/** Why an ID number (GB 11643) is not one, or null. */
export function idNumberProblem(raw: string): string | null {
  const id = raw.trim().toUpperCase()
  if (!/^[0-9]{17}[0-9X]$/.test(id)) return '身份证号应为18位'
  const birth = id.slice(6, 14)
  const d = new Date(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}T00:00:00Z`)
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10).replace(/-/g, '') !== birth) return '身份证号中的出生日期无效'
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0)
  return CHECK[sum % 11] === id[17] ? null : '身份证号校验位不正确'
}

/** Why a phone is not a mainland mobile number, or null. */
export function phoneProblem(raw: string): string | null {
  return /^1[3-9][0-9]{9}$/.test(raw.trim()) ? null : '手机号应为11位大陆手机号'
}

