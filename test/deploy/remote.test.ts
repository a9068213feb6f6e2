import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPlatformServer, type PlatformRoute } from '../../platform/server'
import { deployCommand } from '../../scripts/lib/deployCommand'
import { remoteCommand } from '../../scripts/lib/remoteCommand'
import { tools } from '../../src/tools/index'
import { bundleClient } from '../helpers/platform'
import { APP, captureIo, npmRun, startFakePlatform, tempProject, USER, writeDotEnv, type FakePlatform } from './helpers'

const EXTRA = `
export function main (data) { console.info('echo', JSON.stringify(data)); return { echoed: data } }
export function boom () { console.log('about to fail'); throw new RangeError('out of range') }
export function hang () { return new Promise(() => {}) }
`

let fake: FakePlatform
let project: ReturnType<typeof tempProject>

beforeAll(async () => {
  fake = await startFakePlatform({ timeLimitMs: 5_000 })
  project = tempProject()
  writeDotEnv(project.root, fake)
  const deployed = captureIo(project.root)
  expect(await deployCommand([], deployed.io)).toBe(0)
  fake.store.addFile(APP.id, 'extra', EXTRA, 'quickjs')
})

afterAll(async () => {
  await fake.close()
  project.remove()
})

async function remote (args: string[], env: Record<string, string> = {}) {
  const run = captureIo(project.root, env)
  const code = await remoteCommand(args, run.io)
  return { code, ...run }
}

/** The self-test's closing line, `N passed, N failed`, as remote prints the log line. */
const closing = (stdout: string) => /^\d\d:\d\d:\d\d\.\d{3} (?:LOG|ERR) (\d+ passed, \d+ failed)$/m.exec(stdout)?.[1]

describe('npm run remote -- selfTest', () => {
  it('runs the self-test on the platform: every registered tool passes, one line each', async () => {
    const run = await npmRun(project.root, 'remote', ['selfTest'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout.split('\n')[0]).toBe('Running selfTest in app 1…')
    expect(run.stdout).toContain('[header] hostname: test-host')
    for (const tool of tools) expect(run.stdout).toMatch(new RegExp(`LOG PASS ${tool.name} \\(\\d+ ms\\): \\S`))
    expect(run.stdout).toMatch(/LOG PASS initialize \+ tools\/list \(\d+ ms\): ConnexCS 0\.1\.0, protocol 2025-11-25, \d+ tools/)
    expect(run.stdout).toMatch(/LOG call: \S+ \(the newest call/)
    // How the platform loaded the tools' code: the deployed files, each tool's on its first call.
    expect(run.stdout).toMatch(/LOG PASS tool loading \(\d+ ms\): dynamic import\(\) works: each tool's code is its own file, loaded on its first call \(searchCallLogs's took \d+ ms\)/)
    expect(closing(run.stdout)).toBe(`${tools.length + 3} passed, 0 failed`)
    const result = JSON.parse(run.stdout.slice(run.stdout.indexOf('Result:\n') + 'Result:\n'.length))
    expect(result).toMatchObject({ summary: `${tools.length + 3} passed, 0 failed`, passed: tools.length + 3, failed: 0 })
  })

  it('prints every answer with VERBOSE=true on the app', async () => {
    fake.store.vars.push({ id: 999, key: 'VERBOSE', value: 'true', app_id: APP.id })
    try {
      const run = await remote(['selfTest'])
      expect(run.code).toBe(0)
      const answers = run.out.filter(line => / LOG \{"summary":/.test(line))
      expect(answers).toHaveLength(tools.length)
    } finally {
      fake.store.vars.pop()
    }
  })

  it('exits non-zero when a tool is broken', async () => {
    const broken = tempProject()
    const other = await startFakePlatform()
    try {
      writeDotEnv(broken.root, other)
      const file = join(broken.root, 'src/tools/getRtpServerGroups.ts')
      writeFileSync(file, readFileSync(file, 'utf8').replace('async handler (_args, ctx) {', 'async handler (_args, ctx) {\n    if (ctx.nowMs > 0) throw new Error(\'deliberately broken\')'))
      expect((await npmRun(broken.root, 'deploy', [])).code).toBe(0)
      const run = await npmRun(broken.root, 'remote', ['selfTest'])
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/ERR FAIL getRtpServerGroups \(\d+ ms\): tool error internal: deliberately broken \(this is a bug in the tool; please report it\)/)
      expect(closing(run.stdout)).toBe(`${tools.length + 2} passed, 1 failed`)
      expect(run.stderr).toBe(`Run failed: Error: Self-test failed: ${tools.length + 2} passed, 1 failed (getRtpServerGroups)\n`)
      expect(run.stdout).not.toContain('Result:')
    } finally {
      await other.close()
      broken.remove()
    }
  })
})

describe('npm run remote', () => {
  it('passes --body to the function and prints its logs and result', async () => {
    const run = await remote(['extra', '--body', '{"x":[1,2]}'])
    expect(run.code).toBe(0)
    expect(run.out.slice(0, 2)).toEqual(['Running extra in app 1…', '[header] hostname: test-host'])
    expect(run.out[2]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INF echo \{"x":\[1,2\]\}$/)
    expect(run.out.slice(3)).toEqual(['Result:', JSON.stringify({ echoed: { x: [1, 2] } }, null, 2)])
  })

  it('reads --body from a file', async () => {
    writeFileSync(join(project.root, 'body.json'), '{"from":"file"}')
    const run = await remote(['extra', '--body', 'body.json'])
    expect(run.out.at(-1)).toBe(JSON.stringify({ echoed: { from: 'file' } }, null, 2))
  })

  it('exits 1 on an error event, after streaming the logs before it', async () => {
    const run = await remote(['extra', '--fn', 'boom'])
    expect(run.code).toBe(1)
    expect(run.out[2]).toMatch(/ LOG about to fail$/)
    expect(run.err).toEqual(['Run failed: RangeError: out of range'])
  })

  it('exits 1 on a timeout, on an unknown file, and on wrong usage 2', async () => {
    const slow = await remote(['extra', '--fn', 'hang', '--timeout', '0.5'])
    expect(slow.code).toBe(1)
    expect(slow.err).toEqual(['Timed out: extra (function hang) in app 1 gave no result within 0.5 s.'])

    const unknown = await remote(['nope'])
    expect(unknown.code).toBe(1)
    expect(unknown.err).toEqual(['POST scriptforge/1/nope: HTTP 404: Not Found: app 1 has no file with the id, UUID or name nope'])

    expect((await remote([])).code).toBe(2)
    expect((await remote(['extra', '--body', '{oops'])).err[0]).toMatch(/^--body must be JSON \(or the path of a JSON file\): /)
    expect((await remote(['extra', '--fn', 'not a name'])).code).toBe(2)
  })

  it('exits 1 when the stream ends without a result, and reads a plain JSON answer', async () => {
    const route: PlatformRoute = async request => {
      if (request.path === 'scriptforge/1/cut') {
        const events = (async function* () {
          yield { event: 'log', data: JSON.stringify({ ts: 0, payload: 'working', level: 'console.log' }) }
        })()
        return { status: 200, events }
      }
      if (request.path === 'scriptforge/1/plain') return { status: 200, statusText: 'OK', body: '{"done":true}' }
      return undefined
    }
    const platform = await startPlatformServer({ users: { [USER]: 'pw' }, routes: [route] })
    try {
      const env = { CX_BASE_URL: platform.baseUrl, CX_REFRESH_TOKEN: platform.issueToken(USER, 'refresh') }
      const cut = await remote(['cut'], env)
      expect(cut.code).toBe(1)
      expect(cut.out.at(-1)).toBe('00:00:00.000 LOG working')
      expect(cut.err).toEqual(['No result: the stream from cut in app 1 ended without its final event (after 1 log lines).'])
      const plain = await remote(['plain'], env)
      expect([plain.code, plain.out.at(-1)]).toEqual([0, '{\n  "done": true\n}'])
    } finally {
      await platform.close()
    }
  })
})

describe('an MCP client on the deployed server', () => {
  const text = (result: unknown): Record<string, any> => JSON.parse((result as { content: { text: string }[] }).content[0]!.text)

  it('connects the official SDK client to the run URL with a bearer token, lists and calls the tools', async () => {
    const mcp = fake.store.files.find(f => f.app_id === APP.id && f.name === 'mcp')!
    for (const url of [`${fake.platform.baseUrl}scriptforge/${mcp.id}/run`, `${fake.platform.baseUrl}scriptforge/${APP.id}/mcp`]) {
      const client = new Client({ name: 'deploy-test', version: '1.0.0' })
      const headers = { Authorization: `Bearer ${fake.platform.issueToken(USER, 'access')}` }
      await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }))
      try {
        expect(client.getServerVersion()).toEqual({ name: 'ConnexCS', version: '0.1.0' })
        expect((await client.listTools()).tools.map(t => t.name)).toEqual(tools.map(t => t.name))
        const zones = await client.callTool({ name: 'getRtpServerGroups', arguments: {} })
        expect(zones.isError).toBeFalsy()
        expect(text(zones)).toEqual((await bundleClient(fake.sw.api).callTool('getRtpServerGroups', {})).result)
        // The newest call: the log covers the last 14 days.
        const call = fake.sw.data.calls[0]!
        expect(text(await client.callTool({ name: 'searchCallLogs', arguments: { search: call.callid } }))).toMatchObject({ total: 1, calls: [{ callid: call.callid }] })
      } finally {
        await client.close()
      }
    }
  })

  it('is refused without a token', async () => {
    const client = new Client({ name: 'deploy-test', version: '1.0.0' })
    await expect(client.connect(new StreamableHTTPClientTransport(new URL(`${fake.platform.baseUrl}scriptforge/${APP.id}/mcp`)))).rejects.toThrow('Error POSTing to endpoint: {"error":"Unauthorized: send Authorization: Bearer <access token> (or Basic credentials)"}')
  })
})
