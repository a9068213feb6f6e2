import { resolve } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLiveBackend } from '../../platform/live/backend'
import { ScriptForgeHost } from '../../platform/scriptforge/host'
import { startHttpFront, type HttpFront } from '../../platform/scriptforge/httpFront'
import { BundleFile } from '../../platform/scriptforge/mcpEndpoint'
import { serveStdio } from '../../platform/scriptforge/stdioFront'
import { apiRoute, startPlatformServer, type PlatformServer } from '../../platform/server'
import { HARD_CAP_BYTES } from '../../src/lib/bounded'
import { bundleClient, switchClock, testSwitch } from '../helpers/platform'
import { switchClient } from '../helpers/switchApi'

/**
 * The defects issue 13 lists, each as it was met: through the bundle in QuickJS, or through the
 * local platform's fronts over HTTP and stdio. (The client's own defects, invalid JSON, typed
 * timeouts and live-mode 401s, are in test/unit/connexcsClient.test.ts; the command line's in
 * cli.test.ts; the tools that read a failure as an answer in faultMatrix.test.ts.)
 */

const sw = testSwitch()
const client = bundleClient(sw.api)
const api = switchClient(sw)

describe('no internal error from input', () => {
  it('refuses a lone UTF-16 surrogate in any string argument, naming the parameter', async () => {
    for (const [tool, args, parameter] of [
      ['getSipTrace', { callid: '\ud800' }, 'callid'],
      ['searchCallLogs', { search: 'ab\udfff' }, 'search'],
      ['getCallQuality', { callid: 'x\udbff' }, 'callid'],
      ['listRtpServers', { zone: '\ud800\ud800' }, 'zone']
    ] as const) {
      const answer = await client.callTool(tool, args)
      expect([answer.isError, answer.result.error.type, answer.result.error.parameter]).toEqual([true, 'invalid_argument', parameter])
      expect(answer.result.error.message).toMatch(new RegExp(`^${parameter} is not valid Unicode text: it has a lone UTF-16 surrogate`))
    }
  })

  it('answers a cursor past the end with an empty last page, not "cannot read property callid"', async () => {
    const matches = (await api.get('log?s=447')) as unknown[]
    expect(matches.length).toBeGreaterThan(0)
    const answer = await client.callTool('searchCallLogs', { search: '447', cursor: 'o200' })
    expect(answer.isError).toBe(false)
    expect([answer.result.calls, answer.result.total, answer.result.next_cursor]).toEqual([[], matches.length, undefined])
  })

  // searchCdr checks its fields with parseFieldList (src/lib/fields.ts): own keys only.
  it('refuses searchCdr fields that are prototype keys: toString, __proto__, constructor', async () => {
    for (const fields of ['toString', '__proto__', 'constructor']) {
      const answer = await client.callTool('searchCdr', { fields })
      expect([answer.result.error.type, answer.result.error.parameter]).toEqual(['invalid_argument', 'fields'])
    }
  })
})

describe('echoes are bounded', () => {
  it('quotes at most a short prefix of a huge argument, argument name or tool name', async () => {
    const huge = 'x'.repeat(1_000_000)
    const bucket = await client.rpc('tools/call', { name: 'getCallAnalytics', arguments: { bucket: huge } })
    const key = await client.rpc('tools/call', { name: 'getCallAnalytics', arguments: { [`zzz${huge}`]: 1 } })
    const name = await client.rpc('tools/call', { name: huge, arguments: {} })
    for (const response of [bucket, key, name]) expect(JSON.stringify(response).length).toBeLessThan(1_000)
    expect(JSON.parse(key.result.content[0].text).error).toEqual({
      type: 'invalid_argument', parameter: `zzz${'x'.repeat(37)}…`, message: expect.stringMatching(/^zzzx{37}… is not a parameter of this tool \(known parameters: /)
    })
  })

  it('does not send a 100 KB method name back whole', async () => {
    const answer = await client.rpc('x'.repeat(100_000))
    expect(answer.error).toEqual({ code: -32601, message: `Method not found: ${'x'.repeat(100)}…` })
  })
})

describe('the HTTP and stdio fronts', () => {
  let front: HttpFront
  const lines: string[] = []
  const host = new ScriptForgeHost({ backend: sw.api, env: { API_USERNAME: 'test@example.com' }, clock: switchClock() })
  const bundle = new BundleFile(resolve(import.meta.dirname, '../../dist/mcp.js'), 'mcp')

  beforeAll(async () => {
    front = await startHttpFront({ host, bundle, port: 0, log: line => lines.push(line) })
  })

  afterAll(async () => {
    await front.close()
  })

  const post = async (body: string): Promise<{ status: number, body: any }> => {
    const response = await fetch(front.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
    const text = await response.text()
    return { status: response.status, body: text === '' ? '' : JSON.parse(text) }
  }

  it('refuses a message with both result and error with 400 and a JSON-RPC error, not 202', async () => {
    expect(await post('{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"x"}}')).toEqual({
      status: 400, body: { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request: a JSON-RPC response has exactly one of "result" and "error", not both' } }
    })
  })

  it('refuses other response-shaped messages it cannot accept, and accepts a real response with 202', async () => {
    for (const body of [
      '{"jsonrpc":"2.0","result":{}}',
      '{"jsonrpc":"2.0","id":{"a":1},"result":{}}',
      '{"jsonrpc":"2.0","id":1,"error":"bad"}',
      '{"jsonrpc":"2.0","id":1,"method":"ping","result":{}}'
    ]) {
      const answer = await post(body)
      expect([answer.status, answer.body.id, answer.body.error.code]).toEqual([400, null, -32600])
    }
    expect(await post('{"jsonrpc":"2.0","id":7,"result":{}}')).toEqual({ status: 202, body: '' })
    expect(await post('{"jsonrpc":"2.0","id":7,"error":{"code":-1,"message":"no"}}')).toEqual({ status: 202, body: '' })
  })

  it('says a deeply nested message is too deeply nested', async () => {
    const deep = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"getSipTrace","arguments":{"callid":${'['.repeat(100_000)}${']'.repeat(100_000)}}}}`
    expect(await post(deep)).toEqual({
      status: 400, body: { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request: the message is too deeply nested (more than 64 levels of arrays and objects)' } }
    })
    // Brackets inside a string are text, not nesting.
    const text = await post(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"searchCallLogs","arguments":{"search":"${'['.repeat(300)}"}}}`)
    expect([text.status, JSON.parse(text.body.result.content[0].text).error.parameter]).toEqual([200, 'search'])
  })

  it('logs at most a prefix of a long method name', async () => {
    await post(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'm'.repeat(100_000) }))
    expect(lines.at(-1)).toMatch(new RegExp(`^POST /mcp m{80}… → 200 \\(\\d+ ms\\)$`))
  })

  it('over stdio, answers a message it cannot accept with a JSON-RPC error line', async () => {
    const input = new PassThrough()
    const output = new PassThrough()
    let written = ''
    output.on('data', chunk => (written += String(chunk)))
    const serving = serveStdio({ host, bundle, input, output, log: () => {} })
    input.end(`{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"x"}}\n${'['.repeat(1000)}${']'.repeat(1000)}\n`)
    await serving
    expect(written.trim().split('\n').map(line => JSON.parse(line).error)).toEqual([
      { code: -32600, message: 'Invalid Request: a JSON-RPC response has exactly one of "result" and "error", not both' },
      { code: -32600, message: 'Invalid Request: the message is too deeply nested (more than 64 levels of arrays and objects)' }
    ].reverse())
  })
})

describe('a bad token in live mode', () => {
  let platform: PlatformServer

  beforeAll(async () => {
    platform = await startPlatformServer({ routes: [apiRoute(sw.api)] })
  })

  afterAll(async () => {
    await platform.close()
  })

  it('says the token was refused and how to renew it, not to check API_USERNAME', async () => {
    const live = bundleClient(createLiveBackend({ baseUrl: platform.baseUrl, accessToken: 'not.a.token' }))
    const answer = await live.callTool('getRtpServerGroups', {})
    expect([answer.isError, answer.result.error.type, answer.result.error.status]).toEqual([true, 'upstream', 401])
    expect(answer.result.error.message).toBe('The ConnexCS API (GET setup/server/rtp-group) refused the token (HTTP 401): 401 Unauthorized: ' +
      'The ConnexCS API refused the token of npm start -- --live: renew it with `npm run configure` (it writes CX_REFRESH_TOKEN to .env), ' +
      'or set a valid CONNEXCS_API_TOKEN, then restart (the API said: Invalid token)')
    expect(JSON.stringify(answer).length).toBeLessThan(HARD_CAP_BYTES)
  })
})
