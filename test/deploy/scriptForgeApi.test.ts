import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ScriptForgeStore, scriptForgeApi } from '../../platform/scriptforge/api'
import { startPlatformServer, type PlatformServer } from '../../platform/server'
import { readEvents } from '../../scripts/lib/sse'
import { testSwitch } from '../helpers/platform'

const HELLO = `import { twice } from './util'
export function main (data) {
  console.log('hello', data.x)
  console.warn('careful')
  return { got: data, greeting: process.env.GREETING, name: process.env.SCRIPTFORGE_NAME, app: process.env.APP_ID, host: process.env.EXEC_HOST }
}
export function other () { return 'plain text' }
export function boom () { throw new TypeError('bad thing') }
export function helper () { return twice(21) }
`
const UTIL = 'export function twice (n) { return n * 2 }'

const sw = testSwitch()
let platform: PlatformServer
let store: ScriptForgeStore
let auth: string

beforeAll(async () => {
  store = new ScriptForgeStore({
    apps: [{ id: 1, name: 'cx-mcp' }, { id: 2, name: 'billing' }],
    vars: [{ app_id: 1, key: 'GREETING', value: 'hi there' }, { app_id: 1, key: 'API_USERNAME', value: 'ops@example.com' }, { app_id: 2, key: 'GREETING', value: 'other app' }],
    files: [
      { app_id: 1, name: 'hello', code: HELLO },
      { app_id: 1, name: 'util', code: UTIL },
      { app_id: 1, name: 'mcp', code: readFileSync('dist/mcp.js', 'utf8') },
      { app_id: 1, name: 'legacy', code: 'function main () {}', type: 'script' }
    ]
  })
  platform = await startPlatformServer({ routes: [scriptForgeApi({ backend: sw.api, store, hostname: 'test-host' })], users: { 'ops@example.com': 'pw' } })
  auth = `Bearer ${platform.issueToken('ops@example.com', 'access')}`
})

afterAll(async () => {
  await platform.close()
})

const file = (name: string) => store.files.find(f => f.name === name)!

async function call (path: string, init: { method?: string, body?: unknown, raw?: string, accept?: string, headers?: Record<string, string> } = {}) {
  const response = await fetch(platform.baseUrl + path, {
    method: init.method ?? 'GET',
    headers: { Authorization: auth, 'Content-Type': 'application/json', Accept: init.accept ?? 'application/json', ...init.headers },
    ...(init.raw !== undefined ? { body: init.raw } : init.body === undefined ? {} : { body: JSON.stringify(init.body) })
  })
  const text = await response.text()
  let body: any = text
  try {
    body = JSON.parse(text)
  } catch {
    // kept as text
  }
  return { status: response.status, type: response.headers.get('content-type'), body, text }
}

/** Runs a file with `Accept: text/event-stream` and returns its events, parsed. */
async function stream (path: string, body: unknown = {}) {
  const response = await fetch(platform.baseUrl + path, { method: 'POST', headers: { Authorization: auth, Accept: 'text/event-stream', 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  expect(response.headers.get('content-type')).toBe('text/event-stream')
  const events = []
  for await (const event of readEvents(response.body!)) events.push({ event: event.event, data: JSON.parse(event.data) })
  return events
}

describe('fake ScriptForge API: apps, files, variables', () => {
  it('lists the apps, and the files of every app without their code', async () => {
    expect((await call('setup/app')).body).toEqual([{ id: 1, name: 'cx-mcp' }, { id: 2, name: 'billing' }])
    const files = (await call('scriptforge')).body
    expect(files.map((f: any) => [f.name, f.app_id, f.type, 'code' in f])).toEqual([['hello', 1, 'quickjs', false], ['util', 1, 'quickjs', false], ['mcp', 1, 'quickjs', false], ['legacy', 1, 'script', false]])
    const hello = await call(`scriptforge/${file('hello').id}`)
    expect(hello.body).toMatchObject({ id: file('hello').id, uuid: file('hello').uuid, name: 'hello', app_id: 1, type: 'quickjs', code: HELLO })
    expect((await call(`scriptforge/${file('hello').uuid}`)).body.code).toBe(HELLO)
    expect(await call('scriptforge/9999')).toMatchObject({ status: 404, body: { error: 'Record Not Found' } })
  })

  it('creates and updates files, refusing what a real app would not hold', async () => {
    const created = await call('scriptforge', { method: 'POST', body: { name: 'extra', code: 'export const a = 1', app_id: '2', type: 'quickjs' } })
    expect(created).toMatchObject({ status: 200, body: { name: 'extra', app_id: 2, type: 'quickjs' } })
    expect(created.body.code).toBeUndefined()
    expect(await call(`scriptforge/${created.body.id}`, { method: 'PUT', body: { name: 'extra', code: 'export const a = 2', app_id: 2 } })).toMatchObject({ status: 200, body: { status: 'OK' } })
    expect((await call(`scriptforge/${created.body.id}`)).body.code).toBe('export const a = 2')
    expect(store.writes.slice(-2)).toEqual([{ op: 'create', kind: 'file', id: created.body.id, name: 'extra' }, { op: 'update', kind: 'file', id: created.body.id, name: 'extra' }])

    expect(await call('scriptforge', { method: 'POST', body: { name: 'extra', code: '', app_id: 2 } })).toMatchObject({ status: 409, body: { error: 'A file named extra already exists in app 2' } })
    expect(await call('scriptforge', { method: 'POST', body: { name: 'x', code: '', app_id: 7 } })).toMatchObject({ status: 400, body: { error: 'app_id 7 is not an app of this account' } })
    expect(await call('scriptforge', { method: 'POST', body: { name: 'a/b', code: '', app_id: 1 } })).toMatchObject({ status: 400, body: { error: 'name must be a file name: letters, digits, _, - or ., no folders' } })
    expect(await call('scriptforge', { method: 'POST', raw: '{nope' })).toMatchObject({ status: 400, body: { error: 'Request body is not valid JSON' } })
    expect(await call(`scriptforge/${created.body.id}`, { method: 'PUT', body: { app_id: 1 } })).toMatchObject({ status: 400, body: { error: 'app_id cannot be changed: a file stays in its app' } })
    expect(await call(`scriptforge/${created.body.id}`, { method: 'DELETE' })).toMatchObject({ status: 405 })
  })

  it('keeps each app\'s variables: list by app, create, update, delete', async () => {
    expect((await call('setup/var?app_id=2')).body).toEqual([{ id: expect.any(Number), key: 'GREETING', value: 'other app', app_id: 2 }])
    const created = await call('setup/var', { method: 'POST', body: { key: 'TEMP', value: 'one', app_id: '2' } })
    expect(created).toMatchObject({ status: 200, body: { key: 'TEMP', value: 'one', app_id: 2 } })
    expect(await call('setup/var', { method: 'POST', body: { key: 'TEMP', value: 'again', app_id: 2 } })).toMatchObject({ status: 409 })
    expect(await call('setup/var', { method: 'POST', body: { key: 'OBJ', value: { a: 1 }, app_id: 2 } })).toMatchObject({ status: 400, body: { error: 'value must be a string (store objects as JSON text)' } })
    expect((await call(`setup/var/${created.body.id}`, { method: 'PUT', body: { key: 'TEMP', value: 'two', app_id: 2 } })).status).toBe(200)
    expect((await call('setup/var?app_id=2')).body.map((v: any) => [v.key, v.value])).toEqual([['GREETING', 'other app'], ['TEMP', 'two']])
    expect((await call(`setup/var/${created.body.id}`, { method: 'DELETE' })).status).toBe(200)
    expect((await call('setup/var?app_id=2')).body.map((v: any) => v.key)).toEqual(['GREETING'])
    expect(await call(`setup/var/${created.body.id}`, { method: 'DELETE' })).toMatchObject({ status: 404 })
  })
})

describe('fake ScriptForge API: running a file', () => {
  it('streams header, log events and the result as the platform does for cx run', async () => {
    expect(await stream('scriptforge/1/hello', { x: 1 })).toEqual([
      { event: 'header', data: { key: 'x-hostname', value: 'test-host' } },
      { event: 'log', data: { ts: expect.any(Number), payload: 'hello 1', level: 'console.log' } },
      { event: 'log', data: { ts: expect.any(Number), payload: 'careful', level: 'console.warn' } },
      { event: 'message', data: { got: { x: 1 }, greeting: 'hi there', name: 'hello', app: '1', host: 'test-host' } }
    ])
  })

  it('streams an error event, and no result, when the function throws', async () => {
    expect(await stream('scriptforge/1/hello/boom')).toEqual([
      { event: 'header', data: { key: 'x-hostname', value: 'test-host' } },
      { event: 'error', data: { name: 'TypeError', message: 'bad thing', details: { errorMessage: 'bad thing' } } }
    ])
  })

  it('answers plain JSON (or text) to a client that does not ask for a stream', async () => {
    expect(await call('scriptforge/1/hello', { method: 'POST', body: { x: 2 } })).toMatchObject({ status: 200, body: { got: { x: 2 }, greeting: 'hi there' } })
    expect(await call('scriptforge/1/hello/other', { method: 'POST' })).toMatchObject({ status: 200, type: 'text/plain; charset=utf-8', text: 'plain text' })
    expect(await call('scriptforge/1/hello/boom', { method: 'POST' })).toMatchObject({ status: 500, body: { error: 'bad thing', name: 'TypeError' } })
    expect(await call('scriptforge/1/hello/helper', { method: 'POST' })).toMatchObject({ status: 200, text: '42' })
  })

  it('finds the file by name, id or UUID in the app, and by the older id/run and uuid/fn forms', async () => {
    const hello = file('hello')
    for (const path of [`scriptforge/1/${hello.id}`, `scriptforge/1/${hello.uuid}`, `scriptforge/${hello.id}/run`, `scriptforge/${hello.uuid}/run/main`]) {
      expect((await call(path, { method: 'POST', body: { x: path } })).body.got).toEqual({ x: path })
    }
    expect((await call(`scriptforge/${hello.uuid}/other`, { method: 'POST' })).text).toBe('plain text')
    expect(await call('scriptforge/1/nope', { method: 'POST' })).toMatchObject({ status: 404, body: { error: 'Not Found: app 1 has no file with the id, UUID or name nope' } })
    expect(await call('scriptforge/2/hello', { method: 'POST' })).toMatchObject({ status: 404, body: { error: 'Not Found: app 2 has no file with the id, UUID or name hello' } })
    expect(await call('scriptforge/1/legacy', { method: 'POST' })).toMatchObject({ status: 400, body: { error: 'File legacy is of type script; only quickjs files run on this platform' } })
    expect(await call('scriptforge/1/hello', { method: 'POST', raw: 'not json' })).toMatchObject({ status: 400, body: { error: 'Request body is not valid JSON' } })
  })

  it('serves MCP on the run URL: one JSON-RPC message in, its answer out, 202 for a notification, 405 for GET', async () => {
    const mcp = { accept: 'application/json, text/event-stream' }
    const init = await call('scriptforge/1/mcp', { ...mcp, method: 'POST', body: { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } } })
    expect(init).toMatchObject({ status: 200, type: 'application/json', body: { jsonrpc: '2.0', id: 1, result: { protocolVersion: '2025-06-18', serverInfo: { name: 'ConnexCS' } } } })
    const note = await call(`scriptforge/${file('mcp').id}/run`, { ...mcp, method: 'POST', body: { jsonrpc: '2.0', method: 'notifications/initialized' } })
    expect([note.status, note.text]).toEqual([202, ''])
    expect(await call(`scriptforge/${file('mcp').id}/run`, { ...mcp })).toMatchObject({ status: 405, body: { jsonrpc: '2.0', id: null, error: { code: -32600 } } })
    expect(await call('scriptforge/1/mcp', { ...mcp, method: 'POST', raw: '{' })).toMatchObject({ status: 400, body: { error: { code: -32700 } } })
    expect(await call('scriptforge/1/mcp', { ...mcp, method: 'POST', headers: { 'MCP-Protocol-Version': '1999-01-01' }, body: { jsonrpc: '2.0', id: 2, method: 'ping' } }))
      .toMatchObject({ status: 400, body: { error: { code: -32600, message: 'Unsupported MCP-Protocol-Version 1999-01-01; this server speaks 2025-11-25, 2025-06-18, 2025-03-26' } } })
    const older = { jsonrpc: '2.0', id: 4, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 't', version: '1' } } }
    expect(await call('scriptforge/1/mcp', { ...mcp, method: 'POST', headers: { 'MCP-Protocol-Version': '2025-03-26' }, body: older }))
      .toMatchObject({ status: 200, body: { jsonrpc: '2.0', id: 4, result: { protocolVersion: '2025-03-26' } } })
    const crashed = await call('scriptforge/1/hello/boom', { ...mcp, method: 'POST', body: { jsonrpc: '2.0', id: 3, method: 'ping' } })
    expect(crashed.status).toBe(500)
  })
})
