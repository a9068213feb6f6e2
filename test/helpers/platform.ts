import { readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ApiBackend } from '../../platform/backend'
import { answerFetch } from '../../platform/scriptforge/apiFetch'
import { clockFrom } from '../../platform/scriptforge/clock'
import { ScriptForgeHost, type HostOptions } from '../../platform/scriptforge/host'
import { createSwitch, type SimulatedSwitch } from '../../platform/switch/index'
import cxRest, { bridgeAnswer } from '../../platform/scriptforge/builtins/cxRest'
import { Connexcs } from '../../src/connexcs/client'
import type { ToolContext } from '../../src/lib/context'
import { runTool, type ToolDefinition } from '../../src/lib/defineTool'

/** The clock every test runs the switch at: fixed, so expectations are exact. */
export const NOW_MS = Date.UTC(2026, 10, 24, 12, 0, 0)
export const SEED = 1

/** The switch the tests use (generated once per file). */
export function testSwitch (seed = SEED, nowMs = NOW_MS): SimulatedSwitch {
  return createSwitch({ seed, nowMs })
}

/** Points the Node-side `cxRest` emulation at a backend, as the QuickJS host does inside the sandbox. */
export function installBridge (backend: ApiBackend): void {
  (globalThis as { __cxHost?: unknown }).__cxHost = {
    rest: async (request: string) => bridgeAnswer(await backend(JSON.parse(request) as Parameters<ApiBackend>[0]))
  }
}

/**
 * Points Node's global `fetch` at a backend, as the QuickJS host's `fetch` does inside the sandbox
 * (the API base URL only; no network), or removes it (`undefined`), as in a sandbox without one.
 * Returns what restores Node's own `fetch`.
 */
export function installFetch (backend: ApiBackend | undefined, user = 'test@example.com'): () => void {
  const original = globalThis.fetch
  const g = globalThis as { fetch?: unknown }
  if (backend === undefined) delete g.fetch
  else {
    g.fetch = async (url: string, init: { method?: string, headers?: Record<string, string>, body?: string } = {}) => {
      const headers = Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
      const answer = await answerFetch(backend, { url, method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: init.body }) }, { user })
      return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: answer.headers })
    }
  }
  return () => {
    g.fetch = original
  }
}

/** A tool's context in Node: the API over the bridge, as `username`, and the switch's clock. */
export function nodeContext (nowMs = NOW_MS, username = 'test@example.com', env?: Record<string, string>): ToolContext {
  return { api: new Connexcs(cxRest.auth(username)), nowMs, ...(env === undefined ? {} : { env }) }
}

/** A tool's parsed result, run in Node against the bridge. */
export async function runInNode (tool: ToolDefinition, args: unknown, ctx: ToolContext = nodeContext()): Promise<{ result: Record<string, any>, isError: boolean, bytes: number }> {
  const response = await runTool(tool, args, ctx)
  const text = response.content[0]!.text
  return { result: JSON.parse(text) as Record<string, any>, isError: response.isError === true, bytes: Buffer.byteLength(text) }
}

/** Which build: the on-demand one (`dist/`, as cx.config.json has it), or the one-file fallback (`dist/bundle/`, built by the test setup). */
export type Build = 'lazy' | 'bundle'

/** The folder of a build. */
export const BUILD_DIRS: Readonly<Record<Build, string>> = { lazy: 'dist', bundle: 'dist/bundle' }

/** The app's built files, as they would be deployed: ScriptForge file name → code. */
export function bundleFiles (build: Build = 'lazy'): Record<string, string> {
  const dir = resolve(import.meta.dirname, '../..', BUILD_DIRS[build])
  return Object.fromEntries(readdirSync(dir).filter(f => f.endsWith('.js')).toSorted().map(f => [f.slice(0, -3), readFileSync(resolve(dir, f), 'utf8')]))
}

/**
 * The sandbox's clock for a switch at `nowMs`: it reads `nowMs` when made and runs at real speed,
 * as `npm start -- --now` does. Pass it as `bundleClient(backend, { clock: switchClock(t) })`.
 */
export function switchClock (nowMs = NOW_MS): () => number {
  return clockFrom(nowMs)
}

/**
 * A QuickJS host over a backend, and helpers to speak MCP to the bundle through `main(data)`.
 * `options.clock` is the sandbox's clock (default: the test switch's, as `npm start -- --now` makes
 * it, so that the bundle and a tool in Node with `nodeContext()` agree); `options.platform` sets the
 * emulated platform's behaviour; `options.build` which build runs (default the on-demand one).
 */
export function bundleClient (backend: ApiBackend, options: Partial<HostOptions> & { build?: Build } = {}) {
  const { build, ...hostOptions } = options
  const host = new ScriptForgeHost({ backend, env: { API_USERNAME: 'test@example.com' }, clock: switchClock(), ...hostOptions })
  const files = bundleFiles(build)
  let id = 0
  const rpc = async (method: string, params?: unknown): Promise<Record<string, any>> => {
    const run = await host.run({ files, entry: 'mcp', data: { jsonrpc: '2.0', id: ++id, method, ...(params === undefined ? {} : { params }) } })
    if (!run.ok) throw new Error(`run failed: ${run.error.kind}: ${run.error.message}`)
    return run.value as Record<string, any>
  }
  const callTool = async (name: string, args: unknown): Promise<{ result: Record<string, any>, isError: boolean }> => {
    const response = await rpc('tools/call', { name, arguments: args })
    if (response.error !== undefined) throw new Error(`JSON-RPC error ${JSON.stringify(response.error)}`)
    return { result: JSON.parse(response.result.content[0].text) as Record<string, any>, isError: response.result.isError === true }
  }
  return { host, files, rpc, callTool }
}
