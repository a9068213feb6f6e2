import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/server'

/**
 * The stdio commands the README shows, run exactly as written there (read from README.md, so that
 * they cannot drift): stdout must carry JSON-RPC messages and nothing else, npm's banner included.
 */

const README = readFileSync(resolve(ROOT, 'README.md'), 'utf8')

/** Every inline shell command of the README that serves stdio: `npm … --stdio`. */
const shellCommands = [...README.matchAll(/`(npm [^`]*--stdio)`/g)].map(m => m[1]!)

/** Every client config of the README that starts a stdio server: its command and arguments. */
const configCommands = [...README.matchAll(/```json\n([\s\S]*?)```/g)]
  .map(m => JSON.parse(m[1]!) as { mcpServers?: Record<string, { command?: string, args?: string[] }> })
  .flatMap(config => Object.values(config.mcpServers ?? {}))
  .filter(server => server.command !== undefined)
  .map(server => ({ command: server.command!, args: server.args ?? [] }))

const MESSAGES = [
  { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'readme', version: '1' } } },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', id: 2, method: 'tools/list' },
  { jsonrpc: '2.0', id: 3, method: 'ping' }
]

/** Runs a command with the messages on stdin, and gives its stdout once it exits (at most 45 s). */
function serve (command: string, args: string[], shell: boolean): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(command, args, { cwd: ROOT, shell, detached: true, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += String(chunk)))
  child.stderr.on('data', chunk => (stderr += String(chunk)))
  child.stdin.end(MESSAGES.map(m => JSON.stringify(m)).join('\n') + '\n')
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL')
      fail(new Error(`${command} ${args.join(' ')} did not exit within 45 s.\nstdout:\n${stdout}\nstderr:\n${stderr}`))
    }, 45_000)
    child.once('exit', code => {
      clearTimeout(timer)
      done({ code, stdout, stderr })
    })
  })
}

/** Every line is a JSON-RPC 2.0 message, and the three requests got their answers. */
function expectProtocolOnly (stdout: string): void {
  const lines = stdout.split('\n')
  expect(lines.at(-1)).toBe('')
  // Anything else on stdout (npm's banner, a log line) shows up here, as it is.
  expect(lines.slice(0, -1).filter(line => !line.startsWith('{"jsonrpc":"2.0"'))).toEqual([])
  const messages = lines.slice(0, -1).map(line => JSON.parse(line) as { jsonrpc?: unknown, id?: unknown, result?: Record<string, unknown> })
  expect(messages.map(m => m.jsonrpc)).toEqual(['2.0', '2.0', '2.0'])
  expect(messages.map(m => m.id).toSorted()).toEqual([1, 2, 3])
  expect(messages.find(m => m.id === 1)!.result).toMatchObject({ protocolVersion: '2025-11-25', serverInfo: { name: 'ConnexCS' } })
}

describe('the README\'s stdio commands', () => {
  it('are found: the shell command and the Claude Desktop config', () => {
    expect(shellCommands).toEqual(['npm --silent start -- --stdio'])
    expect(configCommands).toEqual([{ command: 'npm', args: ['--silent', '--prefix', '/path/to/cx-mcp', 'start', '--', '--stdio'] }])
  })

  it.each(shellCommands)('%s puts nothing but protocol messages on stdout', { timeout: 60_000 }, async command => {
    const { code, stdout, stderr } = await serve(command, [], true)
    expect(code).toBe(0)
    expectProtocolOnly(stdout)
    expect(stderr).toContain('ConnexCS MCP server on stdio')
  })

  it.each(configCommands)('the config\'s $command $args puts nothing but protocol messages on stdout', { timeout: 60_000 }, async ({ command, args }) => {
    const { code, stdout } = await serve(command, args.map(arg => arg.replace('/path/to/cx-mcp', ROOT)), false)
    expect(code).toBe(0)
    expectProtocolOnly(stdout)
  })
})
