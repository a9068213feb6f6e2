import { describe, expect, it } from 'vitest'
import type { ApiRequest } from '../../platform/backend'
import { ScriptForgeStore, withScriptForge } from '../../platform/scriptforge/api'
import { ScriptForgeHost } from '../../platform/scriptforge/host'
import { docPage } from '../../platform/switch/docs'
import { testSwitch } from '../helpers/platform'

/** The sandbox's fetch in the QuickJS host: the ConnexCS API's URLs, from the same backend as cxRest, and no other network. */

const sw = testSwitch()

async function run (code: string, backend = sw.api, apiBaseUrl?: string) {
  const seen: ApiRequest[] = []
  const host = new ScriptForgeHost({
    backend: request => {
      seen.push(request)
      return backend(request)
    },
    env: { API_USERNAME: 'ops@example.com' },
    ...(apiBaseUrl === undefined ? {} : { apiBaseUrl })
  })
  const result = await host.run({ files: { main: code }, entry: 'main', data: {} })
  return { result, seen }
}

describe('fetch in the sandbox', () => {
  it('reads a page of the docs API as text, with its status and content type, as API_USERNAME', async () => {
    const { result, seen } = await run(`export async function main () {
  const r = await fetch('https://app.connexcs.com/api/cp/docs/customer/did', { headers: { Accept: 'text/markdown' } })
  return { status: r.status, ok: r.ok, type: r.headers.get('Content-Type'), has: r.headers.has('content-type'), text: await r.text() }
}`)
    expect(result).toMatchObject({ ok: true, value: { status: 200, ok: true, type: 'text/markdown; charset=utf-8', has: true, text: docPage('customer/did') } })
    expect(seen).toEqual([{ user: 'ops@example.com', method: 'GET', path: 'docs/customer/did', accept: 'text/markdown' }])
  })

  it('answers a 404 as a response, parses JSON, and sends a JSON body', async () => {
    const { result, seen } = await run(`export async function main () {
  const missing = await fetch('https://app.connexcs.com/api/cp/docs/no/such')
  const account = await (await fetch('https://app.connexcs.com/api/cp/setup/account')).json()
  const posted = await fetch('https://app.connexcs.com/api/cp/cdr', { method: 'post', body: JSON.stringify({ limit: 1, where: { rules: [] } }) })
  return { missing: [missing.status, missing.ok], name: account.name, posted: posted.status }
}`)
    expect(result).toMatchObject({ ok: true, value: { missing: [404, false], name: sw.data.account.name } })
    expect(seen[2]).toMatchObject({ method: 'POST', path: 'cdr', body: { limit: 1, where: { rules: [] } } })
  })

  it('fails as a network error for any other URL, and reads the body once', async () => {
    const { result, seen } = await run(`export async function main () {
  const out = []
  for (const url of ['https://example.com/', 'http://127.0.0.1:3000/mcp', 'https://app.connexcs.com.evil.example/api/cp/docs']) {
    try { await fetch(url); out.push('fetched') } catch (e) { out.push(e.name + ': ' + e.message) }
  }
  const r = await fetch('https://app.connexcs.com/api/cp/setup/account')
  await r.text()
  try { await r.text() } catch (e) { out.push(e.message) }
  return out
}`)
    expect(result).toMatchObject({
      ok: true,
      value: [
        ...['https://example.com/', 'http://127.0.0.1:3000/mcp', 'https://app.connexcs.com.evil.example/api/cp/docs'].map(url =>
          `TypeError: fetch failed: the local ScriptForge reaches only the ConnexCS API under https://app.connexcs.com/api/cp/; ${url} is outside it ` +
          '(there is no other network here)'),
        'Body has already been consumed'
      ]
    })
    expect(seen.map(r => r.path)).toEqual(['setup/account'])
  })

  it('gets a run\'s event stream, console lines and result, from the fake ScriptForge API', async () => {
    const store = new ScriptForgeStore({ files: [{ app_id: 1, name: 'job', code: 'export function go (d) { console.log("step", d.n); return { done: d.n } }' }] })
    const { result } = await run(`export async function main () {
  const r = await fetch('https://app.connexcs.com/api/cp/scriptforge/1/job/go', { method: 'POST', headers: { Accept: 'text/event-stream' }, body: '{"n":3}' })
  return { type: r.headers.get('content-type'), text: await r.text() }
}`, withScriptForge(sw.api, { store, hostname: 'local' }))
    expect(result.ok).toBe(true)
    const value = (result as { value: { type: string, text: string } }).value
    expect(value.type).toBe('text/event-stream')
    const events = value.text.trim().split('\n\n')
    expect(events[0]).toBe('event: header\ndata: {"key":"x-hostname","value":"local"}')
    expect(events[1]).toMatch(/^event: log\ndata: \{"ts":\d+,"payload":"step 3","level":"console.log"\}$/)
    expect(events[2]).toBe('data: {"done":3}')
  })

  it('takes another API base URL from the host', async () => {
    const { result, seen } = await run(`export async function main () {
  return (await fetch('http://127.0.0.1:3001/api/cp/setup/account')).status
}`, sw.api, 'http://127.0.0.1:3001/api/cp/')
    expect([result, seen.map(r => r.path)]).toEqual([expect.objectContaining({ ok: true, value: 200 }), ['setup/account']])
  })
})
