import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiRoute, startPlatformServer, type PlatformServer } from '../../platform/server'
import { NOW_MS, testSwitch } from '../helpers/platform'

const sw = testSwitch()
let clock = NOW_MS
let platform: PlatformServer

beforeAll(async () => {
  platform = await startPlatformServer({ routes: [apiRoute(sw.api)], now: () => clock, users: { 'ops@example.com': 's3cret' } })
})

afterAll(async () => {
  await platform.close()
})

const basic = 'Basic ' + Buffer.from('ops@example.com:s3cret').toString('base64')

async function call (path: string, init: { method?: string, auth?: string, body?: unknown, headers?: Record<string, string> } = {}) {
  const response = await fetch(platform.baseUrl + path, {
    method: init.method ?? 'GET',
    headers: { ...(init.auth === undefined ? {} : { Authorization: init.auth }), 'Content-Type': 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
  })
  const text = await response.text()
  let body: any = text
  try {
    body = JSON.parse(text)
  } catch {
    // kept as text
  }
  return { status: response.status, body, retryAfter: response.headers.get('retry-after') }
}

describe('platform server: authentication', () => {
  it('exchanges Basic credentials for a refresh token, and a refresh token for an access token', async () => {
    const refresh = await call('auth/jwt/refresh', { method: 'POST', auth: basic, body: { lifetime: 2592000, audience: 'cx-tools@test' } })
    expect(refresh.status).toBe(200)
    const payload = JSON.parse(Buffer.from(refresh.body.token.split('.')[1], 'base64url').toString('utf8'))
    expect(payload).toEqual({ sub: 'ops@example.com', typ: 'refresh', iat: NOW_MS / 1000, exp: NOW_MS / 1000 + 2592000, aud: 'cx-tools@test' })
    const access = await call('auth/jwt', { auth: `Bearer ${refresh.body.token}` })
    expect(access.status).toBe(200)
    const zones = await call('setup/server/rtp-group', { auth: `Bearer ${access.body.token}` })
    expect([zones.status, zones.body.length]).toEqual([200, 11])
  })

  it('answers 401 without a token, with a bad or expired one, and with a token of the wrong kind', async () => {
    expect(await call('setup/server/rtp-group')).toMatchObject({ status: 401, body: { error: 'Unauthorized: send Authorization: Bearer <access token> (or Basic credentials)' } })
    expect(await call('setup/server/rtp-group', { auth: 'Bearer abc.def.ghi' })).toMatchObject({ status: 401, body: { error: 'Invalid token' } })
    const refresh = platform.issueToken('ops@example.com', 'refresh')
    expect(await call('log?s=1', { auth: `Bearer ${refresh}` })).toMatchObject({ status: 401, body: { error: 'Invalid token: a refresh token cannot be used here; exchange it at GET auth/jwt' } })
    const access = platform.issueToken('ops@example.com', 'access', 60)
    expect((await call('setup/server/rtp-group', { auth: `Bearer ${access}` })).status).toBe(200)
    clock += 61_000
    expect(await call('setup/server/rtp-group', { auth: `Bearer ${access}` })).toMatchObject({ status: 401, body: { error: 'Token expired' } })
    expect(await call('setup/account', { auth: 'Basic ' + Buffer.from('ops@example.com:wrong').toString('base64') })).toMatchObject({ status: 401, body: { error: 'Invalid username or password' } })
    clock = NOW_MS
  })

  it('serves setup/account and the switch API to Basic credentials too', async () => {
    expect(await call('setup/account', { auth: basic })).toMatchObject({ status: 200, body: { name: 'Example Telecom Ltd' } })
    const call0 = sw.data.calls[0]!
    expect((await call(`log?s=${call0.callid}`, { auth: basic })).body[0].routing.callid).toBe(call0.callid)
    expect(await call('nothing/here', { auth: basic })).toMatchObject({ status: 404, body: { error: 'Not Found: GET nothing/here' } })
  })

  it('dates every answer by its clock (here the tokens\' clock, as no other was given)', async () => {
    expect((await fetch(platform.baseUrl + 'setup/account', { headers: { Authorization: basic } })).headers.get('date')).toBe('Tue, 24 Nov 2026 12:00:00 GMT')
    expect((await fetch(platform.baseUrl + 'nowhere')).headers.get('date')).toBe('Tue, 24 Nov 2026 12:00:00 GMT')
  })

  it('keeps the content type of answers that are not JSON', async () => {
    const page = await fetch(platform.baseUrl + 'docs/logging', { headers: { Authorization: basic } })
    expect([page.status, page.headers.get('content-type'), (await page.text()).split('\n')[0]]).toEqual([200, 'text/markdown; charset=utf-8', '# Logging and SIP Traces'])
  })
})

describe('platform server: fault injection', () => {
  it('fails matching requests as asked, per run or per request', async () => {
    platform.setFaults([{ path: 'setup/server', status: 429, retryAfterS: 2, times: 1 }])
    expect(await call('setup/server/rtp-group', { auth: basic })).toMatchObject({ status: 429, retryAfter: '2', body: { error: 'Too Many Requests (injected fault)' } })
    expect((await call('setup/server/rtp-group', { auth: basic })).status).toBe(200)
    platform.setFaults([])
    expect((await call('setup/server/rtp-group', { auth: basic, headers: { 'X-CX-Fault': '503' } })).status).toBe(503)
    const malformed = await call('setup/server/rtp-group', { auth: basic, headers: { 'X-CX-Fault': 'malformed' } })
    expect(malformed.status).toBe(200)
    expect(typeof malformed.body).toBe('string')
    expect(() => JSON.parse(malformed.body)).toThrow()
  })

  it('can hold a request without answering', async () => {
    platform.setFaults([{ path: 'log', timeout: true, timeoutMs: 200 }])
    await expect(fetch(platform.baseUrl + 'log?s=1', { headers: { Authorization: basic } })).rejects.toThrow()
    platform.setFaults([])
  })
})
