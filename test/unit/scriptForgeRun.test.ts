import { beforeAll, describe, expect, it } from 'vitest'
import type { ApiRequest } from '../../platform/backend'
import { ScriptForgeStore, withScriptForge } from '../../platform/scriptforge/api'
import cxRest from '../../platform/scriptforge/builtins/cxRest'
import { ScriptForgeHost } from '../../platform/scriptforge/host'
import { Connexcs } from '../../src/connexcs/client'
import { CONSOLE_NOTE, MAX_BODY_CHARS, MAX_CONSOLE_LINES, parseEventStream, runScriptFunction, runScriptFunctionStreamed } from '../../src/connexcs/scriptForge'
import { ToolError } from '../../src/lib/errors'
import { installBridge, installFetch, testSwitch } from '../helpers/platform'

/**
 * Running ScriptForge functions through cxRest, on the local platform: the fake ScriptForge API
 * answers `scriptforge/...` for code running in the sandbox too (withScriptForge), and a script
 * can run another one, as on ConnexCS.
 */

const TOOLS = `import cxRest from 'cxRest'
export function main (data) { return { main: true, got: data } }
export function add (data) { console.log('adding'); return { sum: data.a + data.b, app: process.env.APP_ID, name: process.env.SCRIPTFORGE_NAME } }
export function text () { return 'plain words' }
export function boom () { throw new RangeError('out of range') }
export async function company () { return { name: (await cxRest.auth('ops@example.com').get('setup/account')).name } }
export async function viaOther (data) { return await cxRest.auth('ops@example.com').post('scriptforge/1/other/double', data) }
export async function loop (data) { return await cxRest.auth('ops@example.com').post('scriptforge/1/tools/loop', { n: (data.n ?? 0) + 1 }) }
`
const OTHER = 'export function double (data) { return { doubled: data.x * 2 } }'

const sw = testSwitch()
const store = new ScriptForgeStore({ files: [{ app_id: 1, name: 'tools', code: TOOLS }, { app_id: 1, name: 'other', code: OTHER }] })
const backend = withScriptForge(sw.api, { store })
let calls: ApiRequest[] = []
const api = new Connexcs(cxRest.auth('ops@example.com'))

beforeAll(() => {
  installBridge(request => {
    calls.push(request)
    return backend(request)
  })
})

async function refusal (promise: Promise<unknown>): Promise<ToolError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(ToolError)
  return error as ToolError
}

describe('runScriptFunction', () => {
  it('runs a named function with a JSON body and returns its value', async () => {
    calls = []
    expect(await runScriptFunction(api, { appId: 1, script: 'tools', fn: 'add', body: { a: 2, b: 40 } })).toEqual({ ok: true, value: { sum: 42,
      app: '1', name: 'tools' } })
    expect(calls).toEqual([{ user: 'ops@example.com', method: 'POST', path: 'scriptforge/1/tools/add', body: { a: 2, b: 40 } }])
    expect(await runScriptFunction(api, { appId: '1', script: 'tools' })).toEqual({ ok: true, value: { main: true, got: {} } })
    const id = store.files.find(f => f.name === 'other')!
    expect(await runScriptFunction(api, { appId: 1, script: String(id.id), fn: 'double', body: { x: 4 } })).toEqual({ ok: true,
      value: { doubled: 8 } })
    expect(await runScriptFunction(api, { appId: 1, script: id.uuid, fn: 'double', body: { x: 5 } })).toEqual({ ok: true, value: { doubled: 10 } })
  })

  it('reports a function that throws, and a text result cxRest cannot read', async () => {
    expect(await runScriptFunction(api, { appId: 1, script: 'tools', fn: 'boom' })).toEqual({ ok: false, error: 'out of range', status: 500 })
    expect(await runScriptFunction(api, { appId: 1, script: 'tools', fn: 'text' })).toEqual({
      ok: true, value: undefined, unreadable: 'tools.text answered something that is not JSON (a text result?), which cxRest cannot read'
    })
    expect(CONSOLE_NOTE).toContain('Console output is not available')
  })

  it('reaches the switch and other scripts from inside the sandbox', async () => {
    expect(await runScriptFunction(api, { appId: 1, script: 'tools', fn: 'company' })).toEqual({ ok: true, value: { name: sw.data.account.name } })
    expect(await runScriptFunction(api, { appId: 1, script: 'tools', fn: 'viaOther', body: { x: 21 } })).toEqual({ ok: true, value: { doubled: 42 } })
    const looped = await runScriptFunction(api, { appId: 1, script: 'tools', fn: 'loop', body: {} })
    expect(looped).toMatchObject({ ok: false, status: 500 })
    expect((looped as { error: string }).error).toContain('508 Loop Detected: Loop Detected: scripts may run scripts 3 deep at most on this platform')
  })

  it('answers not_found for a file or app that does not exist', async () => {
    const missing = await refusal(runScriptFunction(api, { appId: 1, script: 'nope', fn: 'main' }))
    expect(missing).toMatchObject({ type: 'not_found', details: { status: 404 } })
    expect(missing.message)
      .toBe('App 1 has no ScriptForge file nope (or it has no function main): Not Found: app 1 has no file with the id, UUID or name nope')
    expect(await refusal(runScriptFunction(api, { appId: 99, script: 'tools' }))).toMatchObject({ type: 'not_found' })
  })

  it('refuses malformed names and bodies before any request', async () => {
    calls = []
    const cases: [Parameters<typeof runScriptFunction>[1], string][] = [
      [{ appId: 'x1', script: 'tools' }, 'app_id'],
      [{ appId: 1, script: '../setup' }, 'script'],
      [{ appId: 1, script: 'tools/../x' }, 'script'],
      [{ appId: 1, script: 'tools', fn: 'a-b' }, 'function'],
      [{ appId: 1, script: 'tools', fn: 'main/extra' }, 'function'],
      [{ appId: 1, script: 'tools', body: 'x'.repeat(MAX_BODY_CHARS) }, 'body']
    ]
    for (const [request, parameter] of cases) {
      expect(await refusal(runScriptFunction(api, request))).toMatchObject({ type: 'invalid_argument', details: { parameter } })
    }
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(await refusal(runScriptFunction(api, { appId: 1, script: 'tools', body: cyclic }))).toMatchObject({ details: { parameter: 'body' } })
    expect(calls).toEqual([])
  })
})

describe('withScriptForge', () => {
  it('serves the ScriptForge API to code in the sandbox and leaves other paths to the switch', async () => {
    const host = new ScriptForgeHost({ backend, env: {} })
    const script = `import cxRest from 'cxRest'
export async function main () {
  const api = cxRest.auth('ops@example.com')
  const files = await api.get('scriptforge')
  const ran = await api.post('scriptforge/1/other/double', { x: 3 })
  const zones = await api.get('setup/server/rtp-group')
  return { files: files.map(f => f.name), ran, zones: zones.length }
}`
    const run = await host.run({ files: { probe: script }, entry: 'probe', data: {} })
    expect(run).toMatchObject({ ok: true, value: { files: ['tools', 'other'], ran: { doubled: 6 }, zones: sw.data.rtpGroups.length } })
  })

  it('answers 508 past the nesting limit', async () => {
    const shallow = withScriptForge(sw.api, { store, maxRunDepth: 0 })
    expect(await shallow({ user: 'u', method: 'POST', path: 'scriptforge/1/other/double', body: { x: 1 } }))
      .toEqual({ status: 508, statusText: 'Loop Detected',
        body: '{"error":"Loop Detected: scripts may run scripts 0 deep at most on this platform"}' })
    expect((await shallow({ user: 'u', method: 'GET', path: 'scriptforge' })).status).toBe(200)
  })
})

describe('runScriptFunctionStreamed', () => {
  it('reads an event stream: CRLF, comments, data on several lines, the error event, a stream cut short', () => {
    expect(parseEventStream(': hi\r\nevent: header\r\ndata: {"key":"x"}\r\n\r\nevent: log\ndata: a\ndata: b\n\ndata: 42\n\nevent: error\ndata: {}'))
      .toEqual([{ event: 'header', data: '{"key":"x"}' }, { event: 'log', data: 'a\nb' }, { event: 'message', data: '42' }, { event: 'error', data: '{}' }])
    expect(parseEventStream('')).toEqual([])
  })

  it('keeps at most MAX_CONSOLE_LINES console lines and counts the rest', async () => {
    const chatty = new ScriptForgeStore({ files: [{ app_id: 1, name: 'chatty', code: 'export function main () { for (let i = 0; i < 130; i++) console.log("line", i); return "done" }' }] })
    const restore = installFetch(withScriptForge(sw.api, { store: chatty }))
    try {
      const run = await runScriptFunctionStreamed(api, { appId: 1, script: 'chatty' })
      expect([run.ok, run.ok && run.value, run.console?.length, run.console?.[129 - 30], run.console_omitted])
        .toEqual([true, 'done', MAX_CONSOLE_LINES, { level: 'log', text: 'line 99' }, 30])
    } finally {
      restore()
    }
  })

  it('says so when the platform answers plain JSON instead of the stream asked for, and never runs twice', async () => {
    let posts = 0
    const restore = installFetch(async request => {
      if (request.method === 'POST') posts++
      return { status: 200, statusText: 'OK', body: '{"plain":true}' }
    })
    try {
      expect(await runScriptFunctionStreamed(api, { appId: 1, script: 'tools' })).toEqual({
        ok: true, value: { plain: true }, console_note: 'Console output is not available: the platform answered the run as plain JSON, not as the event stream asked for.'
      })
      expect(posts).toBe(1)
    } finally {
      restore()
    }
  })

  it('answers not_found for a missing file, and passes a server error on without running again', async () => {
    const restore = installFetch(backend)
    try {
      await expect(runScriptFunctionStreamed(api, { appId: 1, script: 'nope' })).rejects.toMatchObject({ type: 'not_found', details: { status: 404 } })
    } finally {
      restore()
    }
    let posts = 0
    const down = installFetch(async () => {
      posts++
      return { status: 502, statusText: 'Bad Gateway', body: 'upstream down' }
    })
    try {
      await expect(runScriptFunctionStreamed(api, { appId: 1, script: 'tools' })).rejects.toMatchObject({ type: 'upstream', details: { status: 502 } })
      expect(posts).toBe(1)
    } finally {
      down()
    }
  })
})
