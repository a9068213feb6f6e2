import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ApiResponse } from '../../platform/backend'
import { createLiveBackend, TOKEN_REFUSED_ADVICE, type LiveBackendOptions } from '../../platform/live/backend'
import auth from '../../platform/scriptforge/builtins/cxRest'
import { apiRoute, startPlatformServer, type PlatformServer } from '../../platform/server'
import { installBridge, NOW_MS, testSwitch } from '../helpers/platform'

/** The live backend against the local platform server on 127.0.0.1: nothing leaves the machine. */

const sw = testSwitch()
const USER = 'developer@example.com'
let clock = NOW_MS
let platform: PlatformServer
let seen: string[]
let refresh: string

beforeAll(async () => {
  platform = await startPlatformServer({ routes: [apiRoute(sw.api)], now: () => clock, accessTokenTtlS: 600, log: line => seen.push(line) })
})

afterAll(async () => {
  await platform.close()
})

beforeEach(() => {
  clock = NOW_MS
  seen = []
  platform.setFaults([])
  refresh = platform.issueToken(USER, 'refresh')
})

const live = (options: Partial<LiveBackendOptions> = {}) => createLiveBackend({ baseUrl: platform.baseUrl, refreshToken: refresh, now: () => clock, ...options })
const get = (path: string) => ({ user: USER, method: 'GET' as const, path })
const zones = get('setup/server/rtp-group')

describe('live backend: tokens', () => {
  it('exchanges the refresh token at auth/jwt once, and uses the access token until it nears its expiry', async () => {
    const backend = live()
    const first = await backend(zones)
    expect([first.status, JSON.parse(first.body).length]).toEqual([200, 11])
    await backend(get('customer?s=&name=adam'))
    expect(seen).toEqual(['GET auth/jwt → 200 (access token)', 'GET setup/server/rtp-group → 200', 'GET customer → 200'])
    // 600 s tokens, renewed 60 s before they expire: at +541 s a new one is fetched first.
    clock += 539_000
    await backend(zones)
    clock += 2_000
    await backend(zones)
    expect(seen.slice(3)).toEqual(['GET setup/server/rtp-group → 200', 'GET auth/jwt → 200 (access token)', 'GET setup/server/rtp-group → 200'])
  })

  it('renews once and retries once on a 401 (a token the server no longer takes)', async () => {
    let backendClock = NOW_MS
    const backend = live({ now: () => backendClock })
    await backend(zones)
    // The server's clock runs ahead: to it the token has expired; to the backend it has not.
    clock += 700_000
    const response = await backend(zones)
    expect(response.status).toBe(200)
    expect(seen).toEqual(['GET auth/jwt → 200 (access token)', 'GET setup/server/rtp-group → 200', 'GET setup/server/rtp-group → 401', 'GET auth/jwt → 200 (access token)', 'GET setup/server/rtp-group → 200'])
    backendClock = clock
  })

  it('reports a refused refresh token with the status and what to do, without the token', async () => {
    refresh = platform.issueToken(USER, 'refresh', 60)
    const backend = live()
    clock += 120_000
    const response = await backend(zones)
    expect(response.status).toBe(401)
    expect(JSON.parse(response.body)).toEqual({ error: 'Getting an access token (GET auth/jwt) failed with HTTP 401: Token expired: CX_REFRESH_TOKEN is invalid or expired; get a new one (npm run configure, or Setup → Integrations → JWT Keys)' })
    expect(response.body).not.toContain(refresh)
    expect(seen).toEqual(['GET auth/jwt → 401'])
  })

  it('uses an access token as it is, and returns its 401 without trying to renew, saying how to renew it', async () => {
    const token = platform.issueToken(USER, 'access', 60)
    const backend = live({ refreshToken: undefined, accessToken: token })
    expect((await backend(zones)).status).toBe(200)
    clock += 61_000
    expect(await backend(zones)).toMatchObject({ status: 401, body: JSON.stringify({ error: `${TOKEN_REFUSED_ADVICE} (the API said: Token expired)` }) })
    expect(TOKEN_REFUSED_ADVICE).toBe('The ConnexCS API refused the token of npm start -- --live: renew it with `npm run configure` ' +
      '(it writes CX_REFRESH_TOKEN to .env), or set a valid CONNEXCS_API_TOKEN, then restart')
    expect(seen).toEqual(['GET setup/server/rtp-group → 200', 'GET setup/server/rtp-group → 401'])
  })
})

describe('live backend: failures', () => {
  it('returns a 429 with its Retry-After and does not retry it', async () => {
    platform.setFaults([{ path: 'log', status: 429, retryAfterS: 7, times: 1 }])
    const response = await live()(get('log?s=447700900123'))
    expect(response).toEqual({ status: 429, statusText: 'Too Many Requests', retryAfter: '7', body: JSON.stringify({ error: 'Too Many Requests (injected fault)' }) })
    expect(seen).toEqual(['GET auth/jwt → 200 (access token)', 'GET log → 429 (injected)'])
  })

  it('returns a 5xx with the API\'s message', async () => {
    platform.setFaults([{ path: 'log', status: 503 }])
    expect(await live()(get('log?s=1'))).toMatchObject({ status: 503, statusText: 'Service Unavailable', body: JSON.stringify({ error: 'Service Unavailable (injected fault)' }) })
  })

  it('keeps no timer of its own: the caller\'s signal ends a call it no longer waits for', async () => {
    platform.setFaults([{ path: 'log', timeout: true, timeoutMs: 3_000 }])
    const backend = live()
    await backend(zones)
    const controller = new AbortController()
    const pending = backend(get('log?s=447700900123'), { signal: controller.signal })
    controller.abort()
    await expect(pending).rejects.toThrow('The ConnexCS API call GET log was abandoned: its caller stopped waiting')
    await expect(backend(get('log?s=447700900123'), { signal: AbortSignal.timeout(50) })).rejects.toThrow('The ConnexCS API did not answer GET log in time (timeout)')
  })

  it('passes a malformed JSON body through, and cxRest rejects it as the platform does', async () => {
    platform.setFaults([{ path: 'setup/server', malformed: true }])
    const backend = live()
    const response: ApiResponse = await backend(zones)
    expect(response.status).toBe(200)
    expect(response.body.endsWith('<<truncated')).toBe(true)
    installBridge(backend)
    await expect(auth.auth(USER).get('setup/server/rtp-group')).rejects.toThrow(SyntaxError)
  })

  it('says when the API cannot be reached', async () => {
    const closed = await startPlatformServer({ routes: [] })
    const url = closed.baseUrl
    await closed.close()
    await expect(createLiveBackend({ baseUrl: url, accessToken: 'x.y.z' })(zones)).rejects.toThrow(`Cannot reach the ConnexCS API at ${new URL(url).origin}: ECONNREFUSED`)
  })
})

describe('live backend: requests', () => {
  it('sends POST bodies and query strings as cxRest gives them, and gets what the switch answers in-process', async () => {
    const backend = live()
    const body = { field: ['callid', 'duration'], where: { rules: [{ field: 'dt', condition: '>=', data: '2026-11-24 00:00:00' }] }, limit: 5, order: [{ field: 'dt', direction: 'DESC' }] }
    for (const request of [{ user: USER, method: 'POST' as const, path: 'cdr', body }, get(`log/trace?callid=${encodeURIComponent(sw.data.calls[0]!.callid)}`), get('breakout-aggrid?_rowGroupCols[0][field]=provider_id')]) {
      expect((await backend(request)).body).toBe((await sw.api(request)).body)
    }
  })
})
