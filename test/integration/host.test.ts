import { describe, expect, it } from 'vitest'
import type { ApiBackend } from '../../platform/backend'
import { clockFrom } from '../../platform/scriptforge/clock'
import { ScriptForgeHost, type HostOptions, type LogEvent } from '../../platform/scriptforge/host'

const backend: ApiBackend = async request => ({ status: 200, statusText: 'OK', body: JSON.stringify({ echo: request }) })

function host (options: { timeLimitMs?: number, memoryLimitBytes?: number, onLog?: (e: LogEvent) => void } = {}): ScriptForgeHost {
  return new ScriptForgeHost({ backend, env: { API_USERNAME: 'dev@example.com', VERBOSE: 'true' }, ...options })
}

const run = (h: ScriptForgeHost, source: string, data: unknown = {}, fn?: string) =>
  h.run({ files: { app: source }, entry: 'app', data, ...(fn === undefined ? {} : { fn }) })

describe('ScriptForge host', () => {
  it('calls main(data) with the parsed body and returns what it returns', async () => {
    const result = await run(host(), 'export async function main (data) { return { got: data, user: process.env.API_USERNAME } }', { a: [1, 'x'] })
    expect(result).toMatchObject({ ok: true, value: { got: { a: [1, 'x'] }, user: 'dev@example.com' } })
  })

  it('calls another exported function by name, and says when it is missing', async () => {
    const source = 'export function main () { return 1 }\nexport function selfTest (d) { return d.n * 2 }'
    expect(await run(host(), source, { n: 21 }, 'selfTest')).toMatchObject({ ok: true, value: 42 })
    expect(await run(host(), source, {}, 'nope')).toMatchObject({ ok: false, error: { kind: 'script', name: 'TypeError', message: 'app does not export a function named nope' } })
  })

  it('resolves the built-in modules, files of the app, and refuses unknown modules', async () => {
    const files = {
      app: 'import auth from \'cxRest\'\nimport { McpServer } from \'cxMcpServer\'\nimport { twice } from \'./lib\'\n' +
        'export async function main () { const r = await auth(\'u@example.com\').get(\'log\', { s: \'x\' }); return { r, twice: twice(2), server: new McpServer(\'S\').name } }',
      lib: 'export const twice = n => n * 2'
    }
    const result = await host().run({ files, entry: 'app', data: {} })
    expect(result).toMatchObject({ ok: true, value: { r: { echo: { user: 'u@example.com', method: 'GET', path: 'log?s=x' } }, twice: 4, server: 'S' } })
    const missing = await run(host(), 'import x from \'lodash\'\nexport function main () { return x }')
    expect(missing).toMatchObject({ ok: false, error: { kind: 'script' } })
    expect(missing.ok ? '' : missing.error.message).toContain('Cannot find module \'lodash\'')
  })

  it('hands text of every kind into the sandbox unchanged: ASCII, accents, emoji and lone surrogates, short and long', async () => {
    // Code points and length as the sandbox sees them, so that a wrong byte anywhere shows.
    const source = 'export function main (d) { return d.texts.map(t => ({ length: t.length, codes: Array.from(t.slice(0, 8), c => c.charCodeAt(0)), tail: t.charCodeAt(t.length - 1) })) }'
    const texts = ['plain', 'Zürich – café', 'call 📞 ended', 'lone \ud800 high', 'lone \udc00 low', 'x'.repeat(100_000) + 'é']
    const result = await run(host(), source, { texts })
    expect(result).toMatchObject({
      ok: true,
      value: texts.map(t => ({ length: t.length, codes: Array.from(t.slice(0, 8), c => c.charCodeAt(0)), tail: t.charCodeAt(t.length - 1) }))
    })
    // The same through cxRest, whose answer is one long string.
    const echo = await run(host(), 'import auth from \'cxRest\'\nexport async function main () { return (await auth(\'u@example.com\').get(\'café/📞\')).echo.path }')
    expect(echo).toMatchObject({ ok: true, value: 'café/📞' })
  })

  it('gives the sandbox the globals ScriptForge has and none of Node\'s', async () => {
    const result = await run(host(), `export function main () {
      return ['console', 'process', 'setTimeout', 'clearTimeout', 'setInterval', 'Intl', 'structuredClone', 'TextEncoder', 'Buffer', 'require']
        .map(name => name + ':' + typeof globalThis[name])
    }`)
    expect(result).toMatchObject({
      ok: true,
      value: ['console:object', 'process:object', 'setTimeout:function', 'clearTimeout:function', 'setInterval:function',
        'Intl:undefined', 'structuredClone:undefined', 'TextEncoder:undefined', 'Buffer:undefined', 'require:undefined']
    })
  })

  it('streams console output with its level', async () => {
    const seen: LogEvent[] = []
    const result = await run(host({ onLog: e => seen.push(e) }), 'export function main () { console.info(\'calls\', 3, { a: 1 }); console.error(new Error(\'bad\')); return null }')
    expect(result.ok).toBe(true)
    expect(seen.map(e => [e.level, e.args[0]])).toEqual([['info', 'calls'], ['error', expect.stringContaining('Error: bad')]])
    expect(seen[0]!.args).toEqual(['calls', '3', '{"a":1}'])
    expect(result.logs).toEqual(seen)
  })

  it('runs timers in order and honours clearTimeout', async () => {
    const result = await run(host(), `export function main () {
      return new Promise(resolve => {
        const order = []
        setTimeout(() => order.push('b'), 200)
        setTimeout(() => order.push('a'), 100)
        const cancelled = setTimeout(() => order.push('never'), 10)
        clearTimeout(cancelled)
        let n = 0
        const every = setInterval(() => { if (++n === 3) { clearInterval(every); order.push('tick3') } }, 1)
        setTimeout(() => resolve(order), 250)
      })
    }`)
    expect(result).toMatchObject({ ok: true, value: ['tick3', 'a', 'b'] })
  })

  it('stops a script that runs past the time limit, and keeps serving', async () => {
    const h = host({ timeLimitMs: 200 })
    const looping = await run(h, 'export function main () { for (;;) {} }')
    expect(looping).toMatchObject({ ok: false, error: { kind: 'timeout', message: 'ScriptForge time limit exceeded: the script ran longer than 200 ms (interrupted)' } })
    const waiting = await run(h, 'export function main () { return new Promise(() => {}) }')
    expect(waiting).toMatchObject({ ok: false, error: { kind: 'timeout' } })
    expect(await run(h, 'export function main () { return "still here" }')).toMatchObject({ ok: true, value: 'still here' })
  })

  it('stops a script that needs more than the memory limit, and keeps serving', async () => {
    const h = host({ memoryLimitBytes: 32 * 1024 * 1024 })
    const hog = await run(h, 'export function main () { const keep = []; for (;;) keep.push(\'x\'.repeat(100000) + keep.length) }')
    expect(hog).toMatchObject({ ok: false, error: { kind: 'memory' } })
    expect(hog.ok ? '' : hog.error.message).toMatch(/^ScriptForge memory limit exceeded: the script needed more than 32 MiB/)
    expect(await run(h, 'export function main () { return [1, 2, 3].toSorted((a, b) => b - a) }')).toMatchObject({ ok: true, value: [3, 2, 1] })
  })

  it('reports an uncaught error and a failing timer callback as script errors', async () => {
    expect(await run(host(), 'export function main () { throw new RangeError(\'out of range\') }'))
      .toMatchObject({ ok: false, error: { kind: 'script', name: 'RangeError', message: 'out of range' } })
    expect(await run(host(), 'export function main () { setTimeout(() => { throw new Error(\'late\') }, 1); return new Promise(() => {}) }'))
      .toMatchObject({ ok: false, error: { kind: 'script', message: 'late' } })
    expect(await run(host(), 'export function main ( {')).toMatchObject({ ok: false, error: { kind: 'script', name: 'SyntaxError' } })
  })
})

describe('ScriptForge host: the clock', () => {
  const T = Date.UTC(2026, 10, 24, 12, 0, 0)
  const clockScript = `export function main () {
    const made = new Date()
    return { now: Date.now(), made: made.getTime(), iso: made.toISOString(), given: new Date(0).getTime(), parsed: Date.parse('2026-01-01T00:00:00Z'),
      utc: Date.UTC(2026, 0, 1), isDate: made instanceof Date, called: typeof Date(), nowIsStable: Date.now === Date.now }
  }`

  it('gives the sandbox the host\'s clock for Date.now() and new Date(), and leaves the rest of Date alone', async () => {
    let t = T
    const result = await run(new ScriptForgeHost({ backend, clock: () => t++ }), clockScript)
    expect(result).toMatchObject({
      ok: true,
      value: { made: T, now: T + 1, iso: '2026-11-24T12:00:00.000Z', given: 0, parsed: Date.UTC(2026, 0, 1), utc: Date.UTC(2026, 0, 1), isDate: true, called: 'string', nowIsStable: true }
    })
  })

  it('reads the clock at every call: a clock that moves moves the sandbox', async () => {
    let t = T
    const h = new ScriptForgeHost({ backend, clock: () => t })
    expect(await run(h, 'export function main () { return Date.now() }')).toMatchObject({ ok: true, value: T })
    t = T + 86_400_000
    expect(await run(h, 'export function main () { return new Date().toISOString() }')).toMatchObject({ ok: true, value: '2026-11-25T12:00:00.000Z' })
  })

  it('follows a clock started at the switch\'s --now (clockFrom)', async () => {
    let real = 1_000_000
    const h = new ScriptForgeHost({ backend, clock: clockFrom(T, () => real) })
    real += 1500
    expect(await run(h, 'export function main () { return Date.now() }')).toMatchObject({ ok: true, value: T + 1500 })
  })

  it('keeps the real clock when none is given', async () => {
    const before = Date.now()
    const result = await run(host(), 'export function main () { return Date.now() }')
    expect(result.ok && typeof result.value === 'number' && result.value >= before && result.value <= Date.now()).toBe(true)
  })
})

describe('ScriptForge host: the emulated cxMcpServer\'s platform behaviour', () => {
  const server = `import { McpServer } from 'cxMcpServer'
export async function main (data) {
  const server = new McpServer('S')
  server.addTool('echo', 'Echoes.', args => ({ content: [{ type: 'text', text: JSON.stringify(args) }], isError: true }))
    .addParameter('n', 'number', 'A number.', true)
  return server.handle(data)
}`
  const call = (args: unknown) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: args } })
  const answer = async (platform: HostOptions['platform'], args: unknown) => {
    const result = await run(new ScriptForgeHost({ backend, ...(platform === undefined ? {} : { platform }) }), server, call(args))
    if (!result.ok) throw new Error(result.error.message)
    return (result.value as { result: unknown }).result
  }

  it('by default checks arguments first and passes a tool result through', async () => {
    expect(await answer(undefined, { n: 'x' })).toEqual({ content: [{ type: 'text', text: 'Argument "n" must be a number, got string' }], isError: true })
    expect(await answer(undefined, { n: 1 })).toEqual({ content: [{ type: 'text', text: '{"n":1}' }], isError: true })
  })

  it('with validatesFirst false, hands the arguments to the handler unchecked', async () => {
    expect(await answer({ validatesFirst: false }, { n: 'x' })).toEqual({ content: [{ type: 'text', text: '{"n":"x"}' }], isError: true })
    expect(await answer({ validatesFirst: false }, {})).toEqual({ content: [{ type: 'text', text: '{}' }], isError: true })
  })

  it('with wrapsResults true, turns the handler\'s tool result into JSON text and loses its isError', async () => {
    const inner = { content: [{ type: 'text', text: '{"n":1}' }], isError: true }
    expect(await answer({ wrapsResults: true }, { n: 1 })).toEqual({ content: [{ type: 'text', text: JSON.stringify(inner) }] })
    // The platform's own argument errors are its own answer, not a handler's: not wrapped.
    expect(await answer({ wrapsResults: true }, {})).toEqual({ content: [{ type: 'text', text: 'Missing required argument "n" (number): A number.' }], isError: true })
  })
})
