import { afterEach, describe, expect, it } from 'vitest'
import type { ApiRequest, ApiResponse } from '../../platform/backend'
import cxRest, { auth } from '../../platform/scriptforge/builtins/cxRest'
import { installBridge } from '../helpers/platform'

const seen: ApiRequest[] = []

function answer (response: ApiResponse): void {
  installBridge(async request => {
    seen.push(request)
    return response
  })
}

afterEach(() => {
  seen.length = 0
})

describe('cxRest emulation', () => {
  it('authenticates in all three forms production code uses', () => {
    const Auth = auth as unknown as new (user: string) => { username: string }
    expect(cxRest.auth('a@example.com').username).toBe('a@example.com')
    expect(auth('b@example.com').username).toBe('b@example.com')
    expect(new Auth('c@example.com').username).toBe('c@example.com')
  })

  it('sends the path, the encoded params and the user, and resolves to parsed JSON', async () => {
    answer({ status: 200, statusText: 'OK', body: '[{"id":1}]' })
    const api = cxRest.auth('dev@example.com')
    expect(await api.get('/log', { s: '+44 7700', _filterModel: { dt: { type: 'inRange' } }, skip: undefined })).toEqual([{ id: 1 }])
    expect(seen).toEqual([{ user: 'dev@example.com', method: 'GET', path: 'log?s=%2B44%207700&_filterModel%5Bdt%5D%5Btype%5D=inRange' }])
    await api.get('log/trace?callid=x', { callidb: 'y' })
    expect(seen[1]!.path).toBe('log/trace?callid=x&callidb=y')
  })

  it('sends bodies for post and put, none for delete', async () => {
    answer({ status: 200, statusText: 'OK', body: '{"status":"OK"}' })
    const api = cxRest.auth('dev@example.com')
    await api.post('cdr', { limit: 1 })
    await api.put('customer/1', { name: 'n' })
    await api.delete('customer/1')
    expect(seen.map(r => [r.method, r.path, r.body])).toEqual([['POST', 'cdr', { limit: 1 }], ['PUT', 'customer/1', { name: 'n' }], ['DELETE', 'customer/1', undefined]])
  })

  it('rejects a non-2xx answer with the status and the API\'s message', async () => {
    answer({ status: 404, statusText: 'Not Found', body: '{"error":"Record Not Found"}' })
    await expect(cxRest.auth('u').get('card/x')).rejects.toThrow('404 Not Found: Record Not Found')
    answer({ status: 429, statusText: 'Too Many Requests', body: 'slow down', retryAfter: '2' })
    await expect(cxRest.auth('u').get('log')).rejects.toThrow('429 Too Many Requests (Retry-After: 2): slow down')
  })

  it('rejects a body that is not JSON, and reads an empty body as {}', async () => {
    answer({ status: 200, statusText: 'OK', body: '# Direct Inward Dialling' })
    await expect(cxRest.auth('u').get('docs/customer/did')).rejects.toThrow(SyntaxError)
    answer({ status: 200, statusText: 'OK', body: '' })
    expect(await cxRest.auth('u').delete('x')).toEqual({})
  })
})
