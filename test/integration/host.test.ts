import { describe, expect, it } from 'vitest'
import type { ApiBackend } from '../../platform/backend'
import { ScriptForgeHost, type LogEvent } from '../../platform/scriptforge/host'

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
