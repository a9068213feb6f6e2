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
  switchServer = await startServer(['--port', '0', '--quiet', ...FIXED_ARGS], 30_000, { script: 'switch', ready: /listening on (http:\/\/127\.0\.0\.1:\d+\/api\/cp\/)/ })
  const token = /^CX_REFRESH_TOKEN=(\S+)$/m.exec(switchServer.stdout())![1]!
  live = await startServer(['--live', '--port', '0'], 30_000, { env: { ...process.env, CX_BASE_URL: switchServer.url, CX_REFRESH_TOKEN: token, CONNEXCS_API_TOKEN: '' } })
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
