// The citizen's side of the journeys, through the API as the mini-program calls it: sign
// in, bind an identity, upload, submit, book; and reading back what staff did.

export class Citizen {
  constructor(api, code) {
    this.api = api
    this.code = code
    this.token = null
  }

  async call(method, path, body, headers = {}) {
    const resp = await fetch(`${this.api}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(method === 'POST' ? { 'idempotency-key': crypto.randomUUID() } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await resp.text()
    const data = text ? JSON.parse(text) : null
    if (!resp.ok) throw new Error(`${method} ${path}: ${resp.status} ${text}`)
    return data
  }

  async signIn(realName, idNumber, phone) {
    const login = await this.call('POST', '/v1/auth/wechat', { code: this.code })
    this.token = login.token
    await this.call('PUT', '/v1/me/identity', { realName, idNumber, phone })
    return this
  }

  /** Face verification (人脸核身) of the bound identity, with a result the sandbox mints. */
  async verify(sandbox, realName, idNumber) {
    const minted = await fetch(`${sandbox}/_sandbox/face`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: this.code, realName, idNumber }),
    })
    if (!minted.ok) throw new Error(`minting a face result: ${minted.status}`)
    const { verifyResult } = await minted.json()
    await this.call('POST', '/v1/me/identity/verification', { verifyResult })
    return this
  }

  /** Uploads a small JPEG as one material and returns its object key. */
  async upload(name) {
    // The smallest JPEG the API's first-bytes check accepts: SOI, APP0 (JFIF), EOI.
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9])
    const u = await this.call('POST', '/v1/uploads', { fileName: name, contentType: 'image/jpeg', size: bytes.length })
    const put = await fetch(u.uploadUrl, { method: u.method, headers: u.headers, body: bytes })
    if (!put.ok) throw new Error(`upload PUT: ${put.status} ${await put.text()}`)
    return u.objectKey
  }

  /** Submits an application for `itemCode` with every required material and form field. */
  async apply(itemCode) {
    const item = await this.call('GET', `/v1/catalog/items/${itemCode}`)
    const materials = []
    for (const m of item.materials.filter((x) => x.required)) {
      materials.push({ code: m.code, objectKey: await this.upload(`${m.code}.jpg`) })
    }
    const form = {}
    for (const f of item.form) {
      if (!f.required) continue
      form[f.name] = { phone: '13912345678', idNumber: '11010519491231002X', date: '2026-01-01', number: '1', choice: f.options?.[0] }[f.type] ?? '张三'
    }
    return this.call('POST', '/v1/applications', { itemCode, form, materials })
  }

  /** Books the first bookable slot of `date` for `itemCode` at `hallId`. */
  async book(hallId, date, itemCode) {
    const slots = await this.call('GET', `/v1/halls/${hallId}/slots?date=${date}&item=${itemCode}`)
    const slot = slots.items.find((s) => s.bookable)
    if (!slot) throw new Error(`no bookable slot on ${date} for ${itemCode}`)
    return this.call('POST', '/v1/bookings', { slotId: slot.slotId, itemCode })
  }
}

/** A valid GB 11643 number for a birth date and sequence. */
export function idNumber(birth, seq) {
  const body = `110105${birth}${String(seq).padStart(3, '0')}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...body].reduce((a, c, i) => a + Number(c) * w[i], 0)
  return body + '10X98765432'[sum % 11]
}
