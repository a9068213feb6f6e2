import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleClient, testSwitch } from '../helpers/platform'
import { FIXED_ARGS, startServer, type RunningServer } from '../helpers/server'

/**
 * `npm run switch` on loopback, and `npm start -- --live` pointed at it with CX_BASE_URL and a
 * refresh token: the MCP answers are the same as in-process, byte for byte.
 */

const sw = testSwitch()
const inProcess = bundleClient(sw.api)
let switchServer: RunningServer | undefined
let live: RunningServer | undefined
let client: Client

beforeAll(async () => {
  // A fault for a path the tools do not use, to see --fault at work without changing their answers.
  switchServer = await startServer(['--port', '0', '--quiet', '--fault', 'docs=503', ...FIXED_ARGS], 30_000, { script: 'switch', ready: /listening on (http:\/\/127\.0\.0\.1:\d+\/api\/cp\/)/ })
  expect(switchServer.stdout()).not.toContain('eyJ')
  // A refresh token as npm run configure gets one: Basic credentials at auth/jwt/refresh.
  const refresh = await fetch(`${switchServer.url}auth/jwt/refresh`, { method: 'POST', headers: { Authorization: 'Basic ' + Buffer.from('developer@example.com:developer').toString('base64') } })
  const token = ((await refresh.json()) as { token: string }).token
  // CONNEXCS_API_TOKEN is not a JWT, so the refresh token is used even if a developer's .env has one.
  live = await startServer(['--live', '--port', '0'], 30_000, { env: { ...process.env, CX_BASE_URL: switchServer.url, CX_REFRESH_TOKEN: token, CONNEXCS_API_TOKEN: 'unset' } })
  client = new Client({ name: 'live-test', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(live.url)))
})

afterAll(async () => {
  await client?.close()
  await live?.stop()
  await switchServer?.stop()
})

const text = (result: unknown): Record<string, any> => JSON.parse((result as { content: { text: string }[] }).content[0]!.text)

describe('npm start -- --live against npm run switch', () => {
  it('says what it is backed by, and never prints the token', () => {
    expect(live!.stdout()).toContain(`Backed by the ConnexCS API at ${switchServer!.url} (token from CX_REFRESH_TOKEN).`)
    expect(live!.stdout()).not.toContain('eyJ')
  })

  it('runs the sandbox on the API\'s clock, learnt from the Date header of npm run switch -- --now', () => {
    // The switch's clock started at --now a few seconds before; this machine's is whatever it is.
    expect(live!.stdout()).toMatch(/\nThe sandbox's clock is the API's: 2026-11-24T12:0\d:\d\dZ, (\d+\.\d days|\d+ s) (behind|ahead of) this machine's\.\n/)
  })

  it('npm run switch serves the API behind authentication, with the faults asked for', async () => {
    const basic = { Authorization: 'Basic ' + Buffer.from('developer@example.com:developer').toString('base64') }
    expect((await fetch(`${switchServer!.url}setup/server/rtp-group`)).status).toBe(401)
    expect((await fetch(`${switchServer!.url}setup/server/rtp-group`, { headers: basic })).status).toBe(200)
    const faulty = await fetch(`${switchServer!.url}docs?s=nat`, { headers: basic })
    expect([faulty.status, await faulty.json()]).toEqual([503, { error: 'Service Unavailable (injected fault)' }])
    expect(switchServer!.stdout()).toContain('Data: seed 1, clock 2026-11-24T12:00:00.000Z, ')
    // The fake ScriptForge API is served beside the switch.
    expect(await (await fetch(`${switchServer!.url}setup/app`, { headers: basic })).json()).toEqual([{ id: 1, name: 'cx-mcp' }])
  })

  it('gives the same MCP answers as the switch in-process', async () => {
    const calls: [string, Record<string, unknown>][] = [
      ['getRtpServerGroups', {}],
      ['searchCallLogs', { search: sw.data.customers.find(c => c.name === 'Pinecrest VoIP')!.ips[0]!, limit: 5 }],
      ['searchCallLogs', { search: '+4900000000' }],
      ...sw.data.scenarios.map(s => ['getSipTrace', { callid: s.calls[0]!.callid }] as [string, Record<string, unknown>]),
      ...sw.data.scenarios.slice(0, 6).map(s => ['searchCallLogs', { search: s.calls[0]!.callid }] as [string, Record<string, unknown>])
    ]
    for (const [name, args] of calls) {
      const overHttp = await client.callTool({ name, arguments: args })
      const local = await inProcess.callTool(name, args)
      expect({ result: text(overHttp), isError: overHttp.isError === true }).toEqual(local)
    }
  })
})
