import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApiRequest, ApiResponse } from '../../platform/backend'
import { apiPath, connexcs, getApi, queryString, statusOf } from '../../src/connexcs/client'
import { ToolError } from '../../src/lib/errors'
import { installBridge } from '../helpers/platform'

let calls: ApiRequest[]

function script (...responses: (ApiResponse | 'hang')[]): void {
  calls = []
  installBridge(request => {
    calls.push(request)
    const next = responses.shift() ?? { status: 500, statusText: 'Internal Server Error', body: '{"error":"script ran out"}' }
    return next === 'hang' ? new Promise<ApiResponse>(() => {}) : Promise.resolve(next)
  })
}

const ok = (body: unknown): ApiResponse => ({ status: 200, statusText: 'OK', body: JSON.stringify(body) })

async function failure (promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError)
    return error as ToolError
  }
  throw new Error('expected a ToolError')
}

beforeEach(() => {
  process.env.API_USERNAME = 'dev@example.com'
})

afterEach(() => {
  delete process.env.API_USERNAME
})

describe('getApi', () => {
  it('fails with a message that says where to set API_USERNAME when it is missing or blank', () => {
    for (const value of [undefined, '', '   ']) {
      if (value === undefined) delete process.env.API_USERNAME
      else process.env.API_USERNAME = value
      let error: unknown
      try {
        getApi()
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(ToolError)
      expect((error as ToolError).type).toBe('configuration')
      expect((error as ToolError).message).toBe('API_USERNAME environment variable is required but not set. Set it to the email of a ConnexCS user ' +
        'with API access: on ConnexCS in IDE → your app → Environment Variables (key API_USERNAME); locally in .env or the shell environment before npm start.')
    }
  })

  it('authenticates as the trimmed user', async () => {
    process.env.API_USERNAME = '  ops@example.com '
    script(ok([]))
    await connexcs().get('log', { s: 'x' })
    expect(calls[0]!.user).toBe('ops@example.com')
  })
})

describe('encoding', () => {
  it('encodes every query value and path segment', () => {
    expect(queryString({ s: 'a b&c', n: 5, skip: undefined, flag: true })).toBe('?s=a%20b%26c&n=5&flag=true')
    expect(queryString({})).toBe('')
    expect(apiPath`card/${'GjjS/../x'}/rev/${21}/rule`).toBe('card/GjjS%2F..%2Fx/rev/21/rule')
    // A segment that is only dots would be resolved away by a URL parser: it is encoded too.
    expect([apiPath`customer/${'..'}`, apiPath`card/${'x'}/rev/${'.'}/rule`, apiPath`card/${'...'}`]).toEqual(['customer/%2E%2E', 'card/x/rev/%2E/rule', 'card/...'])
  })

  it('reads the status and Retry-After out of a rejection message', () => {
    expect(statusOf('429 Too Many Requests (Retry-After: 3): slow')).toEqual({ status: 429, retryAfterS: 3 })
    expect(statusOf('Request failed with status code 503')).toEqual({ status: 503 })
    expect(statusOf('HTTP 401: Unauthorized')).toEqual({ status: 401 })
    expect(statusOf('Unexpected token # in JSON')).toEqual({})
  })
})

describe('Connexcs client', () => {
  it('retries 429 and 503, honouring Retry-After, then succeeds', async () => {
    script(
      { status: 429, statusText: 'Too Many Requests', body: '{"error":"rate"}', retryAfter: '1' },
      { status: 503, statusText: 'Service Unavailable', body: '{"error":"busy"}' },
      ok([{ id: 1 }])
    )
    const started = Date.now()
    expect(await connexcs().get('setup/server/rtp-group')).toEqual([{ id: 1 }])
    expect(calls).toHaveLength(3)
    // 1 s asked by Retry-After, then 500 ms of backoff.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500)
  })

  it('gives up after the retries with a rate_limited error carrying the status', async () => {
    const limited = { status: 429, statusText: 'Too Many Requests', body: '{"error":"rate"}' }
    script(limited, limited, limited)
    const error = await failure(connexcs().get('log', { s: 'x' }, { retries: 2 }))
    expect(calls).toHaveLength(3)
    expect(error.type).toBe('rate_limited')
    expect(error.message).toBe('The ConnexCS API (GET log) was rate limited (HTTP 429); wait 5 s and try again')
    expect(error.details).toEqual({ status: 429 })
  })

  it('does not retry other failures, and maps 404 to not_found and 401 to upstream with advice', async () => {
    script({ status: 404, statusText: 'Not Found', body: '{"error":"Record Not Found"}' })
    const missing = await failure(connexcs().get('customer/1'))
    expect(calls).toHaveLength(1)
    expect([missing.type, missing.message]).toEqual(['not_found', 'The ConnexCS API (GET customer/1) found nothing (HTTP 404): 404 Not Found: Record Not Found'])
    script({ status: 401, statusText: 'Unauthorized', body: '{"error":"bad user"}' })
    const refused = await failure(connexcs().get('log'))
    expect([refused.type, refused.message]).toEqual(['upstream', 'The ConnexCS API (GET log) was refused (HTTP 401): check that the API_USERNAME user exists and may use the API. 401 Unauthorized: bad user'])
  })

  it('reports a body that is not JSON as invalid JSON from the API, not in the parser\'s words alone', async () => {
    script({ status: 200, statusText: 'OK', body: '<html>' })
    const error = await failure(connexcs().get('docs'))
    expect([error.type, error.message]).toEqual(['upstream', 'The ConnexCS API returned invalid JSON for GET docs (Unexpected token \'<\', "<html>" is not valid JSON); ' +
    'try again, and if it persists the API is answering something other than JSON'])
    // QuickJS words it otherwise; a rejection that is not a SyntaxError still reads the same.
    installBridge(() => Promise.reject(new Error('Bad escaped character in JSON at position 5691')))
    expect((await failure(connexcs().get('log', { s: '1' }))).message).toMatch(/^The ConnexCS API returned invalid JSON for GET log \(Bad escaped character in JSON at position 5691\)/)
  })

  it('says to narrow the query when an answer is too big to read', async () => {
    calls = []
    installBridge(() => Promise.reject(new Error('out of memory')))
    const oom = await failure(connexcs().get('log'))
    expect([oom.type, oom.message]).toEqual(['upstream', 'The ConnexCS API (GET log) answered more than the script can read in its memory (out of memory); narrow the query: a shorter date range, a filter or a lower limit'])
    installBridge(() => Promise.reject(null))
    const silent = await failure(connexcs().get('log'))
    expect(silent.message).toBe('The ConnexCS API (GET log) answered more than the script can read in its memory (no error message); narrow the query: a shorter date range, a filter or a lower limit')
  })

  it('abandons a call that does not answer in time', async () => {
    script('hang')
    const error = await failure(connexcs().get('log', {}, { timeoutMs: 50 }))
    expect([error.type, error.message]).toEqual(['timeout', 'The ConnexCS API (GET log) did not answer within 50 ms; try again, or narrow the request'])
  })

  it('types a timeout reported by a timer below its own as timeout, not upstream', async () => {
    installBridge(() => Promise.reject(new Error('The ConnexCS API did not answer GET log within 15 s (timeout)')))
    const error = await failure(connexcs().get('log'))
    expect([error.type, error.message]).toEqual(['timeout', 'The ConnexCS API (GET log) did not answer in time (The ConnexCS API did not answer GET log within 15 s (timeout)); try again, or narrow the request'])
  })

  it('takes its timeout from API_TIMEOUT_MS, and refuses one that is not a number of milliseconds', async () => {
    process.env.API_TIMEOUT_MS = '120'
    try {
      script('hang')
      const error = await failure(connexcs().get('log'))
      expect([error.type, error.message]).toEqual(['timeout', 'The ConnexCS API (GET log) did not answer within 120 ms; try again, or narrow the request'])
      for (const bad of ['soon', '5', '1e6']) {
        process.env.API_TIMEOUT_MS = bad
        let thrown: unknown
        try {
          connexcs()
        } catch (e) {
          thrown = e
        }
        expect([(thrown as ToolError).type, (thrown as ToolError).message])
          .toEqual(['configuration', `API_TIMEOUT_MS must be a whole number of milliseconds from 100 to 120000 (default 20000); got ${JSON.stringify(bad)}`])
      }
    } finally {
      delete process.env.API_TIMEOUT_MS
    }
  })

  it('keeps the Retry-After of a 429 it gives up on as retry_after_s', async () => {
    script({ status: 429, statusText: 'Too Many Requests', body: '{"error":"slow down"}', retryAfter: '30' })
    const error = await failure(connexcs().get('log', { s: 'x' }))
    // 30 s is more than the client waits: it does not retry, and says how long to wait.
    expect(calls).toHaveLength(1)
    expect([error.type, error.message, error.details]).toEqual(['rate_limited', 'The ConnexCS API (GET log) was rate limited (HTTP 429); wait 30 s and try again', { status: 429, retry_after_s: 30 }])
  })

  it('says a live-mode 401 refused the token and how to renew it, and a ScriptForge one to check API_USERNAME', async () => {
    const advice = 'The ConnexCS API refused the token of npm start -- --live: renew it with `npm run configure` (it writes CX_REFRESH_TOKEN to .env), ' +
      'or set a valid CONNEXCS_API_TOKEN, then restart (the API said: Token expired)'
    script({ status: 401, statusText: 'Unauthorized', body: JSON.stringify({ error: advice }) })
    const live = await failure(connexcs().get('log'))
    expect([live.type, live.message, live.details]).toEqual(['upstream', `The ConnexCS API (GET log) refused the token (HTTP 401): 401 Unauthorized: ${advice}`, { status: 401 }])
    expect(live.message).not.toContain('API_USERNAME')
    script({ status: 403, statusText: 'Forbidden', body: '{"error":"Forbidden"}' })
    const platform = await failure(connexcs().get('log'))
    expect(platform.message).toBe('The ConnexCS API (GET log) was refused (HTTP 403): check that the API_USERNAME user exists and may use the API. 403 Forbidden: Forbidden')
  })

  it('quotes at most 300 characters of what the API said', async () => {
    script({ status: 500, statusText: 'Internal Server Error', body: JSON.stringify({ error: `bad ${'x'.repeat(5000)}` }) })
    const error = await failure(connexcs().get('log'))
    expect(error.message.length).toBeLessThan(400)
    expect(error.message.endsWith('x…')).toBe(true)
  })
})
