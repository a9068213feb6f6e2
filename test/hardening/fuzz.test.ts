import { resolve } from 'node:path'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ApiBackend, ApiResponse } from '../../platform/backend'
import cxRest from '../../platform/scriptforge/builtins/cxRest'
import { ScriptForgeHost } from '../../platform/scriptforge/host'
import { answerMessage, BundleFile, parseBody } from '../../platform/scriptforge/mcpEndpoint'
import { Connexcs } from '../../src/connexcs/client'
import { HARD_CAP_BYTES } from '../../src/lib/bounded'
import { runTool, type ToolDefinition } from '../../src/lib/defineTool'
import type { ErrorType } from '../../src/lib/errors'
import type { ParamSpec } from '../../src/lib/params'
import { createMcpServer, handleMessage } from '../../src/mcp'
import { tools } from '../../src/tools/index'
import { installBridge, NOW_MS, switchClock, testSwitch } from '../helpers/platform'
import { scenario } from '../helpers/switchApi'

/**
 * Property-based fuzzing of the MCP server (issue 13): JSON-RPC envelopes, and tool arguments
 * made from each tool's own parameters (src/lib/params.ts ParamSpecs) mixed with hostile values:
 * wrong types, huge and lone-surrogate strings, traversal and query characters, prototype keys,
 * deep nesting. Every response must be valid JSON-RPC with the request's id, every tool error our
 * JSON with a type (and for an argument error the parameter's name), nothing over the 20 KB cap,
 * and nothing `internal`.
 *
 * Most cases run against `handleMessage` in Node, with an API that answers instantly (what the
 * simulated switch answered for each tool's self-test, replayed); a smaller share runs through
 * the local platform's front (`parseBody`, then the bundle in QuickJS). The seed is fixed
 * (FUZZ_SEED overrides it); fast-check prints it, with the shrunk case, on a failure.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261124)
const RUNS = { envelopes: 1500, toolCalls: 3000, bundle: 160 }
const ERROR_TYPES: readonly ErrorType[] = ['invalid_argument', 'not_found', 'upstream', 'rate_limited', 'timeout', 'configuration', 'internal']

const sw = testSwitch()
const call = scenario(sw, 'ai_agent').calls[0]!
const byName = new Map(tools.map(t => [t.name, t]))

// ---------------------------------------------------------------------------------------------
// An API that answers at once: each path's answer as the switch gave it for the self-tests.

const recorded = new Map<string, ApiResponse>()
const keyOf = (method: string, path: string): string => `${method} ${path.split('?')[0]}`
const instant: ApiBackend = request => Promise.resolve(recorded.get(keyOf(request.method, request.path)) ??
  { status: 404, statusText: 'Not Found', body: JSON.stringify({ error: `Not Found: ${request.method} ${request.path.split('?')[0]}` }) })

beforeAll(async () => {
  installBridge(async request => {
    const response = await sw.api(request)
    if (!recorded.has(keyOf(request.method, request.path))) recorded.set(keyOf(request.method, request.path), response)
    return response
  })
  const ctx = { api: new Connexcs(cxRest.auth('fuzz@example.com')), nowMs: NOW_MS }
  const fixtures = {
    call: { callid: call.callid, callidb: call.callidb, customer_id: call.customer_id },
    customer: { customer_id: call.customer_id },
    today: '2026-11-24',
    weekAgo: '2026-11-17'
  }
  for (const tool of tools) await runTool(tool, tool.selfTest.args(fixtures), ctx)
  installBridge(instant)
}, 60_000)

const nodeServer = createMcpServer(() => ({ api: new Connexcs(cxRest.auth('fuzz@example.com')), nowMs: NOW_MS }))

// ---------------------------------------------------------------------------------------------
// Hostile values.

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map(code => String.fromCharCode(code))
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.tuple(fc.string({ maxLength: 10 }), loneSurrogate, fc.string({ maxLength: 10 })).map(([a, s, b]) => a + s + b),
  fc.constantFrom('x'.repeat(100_000), '9'.repeat(5_000), '\ud800'.repeat(300), '😀'.repeat(600)),
  fc.constantFrom('../../etc/passwd', '..%2F..%2Fsetup%2Fvar', '/', '%00', '\u0000', 'a/../../b', '?s=1&limit=5000', 'a&b=c#d', '%', '%%', ' ', '\t\n', '\' OR 1=1 --'),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty', 'valueOf'),
  fc.constantFrom('o200', 'o0', 'o9999999', 'o-1', 'o1e3', '2026-02-30', '2026-13-01', '9999-12-31', '0000-01-01', '+', '+4470', '00447700900123')
)

/** Arrays and objects nested `depth` deep. */
const nested = fc.integer({ min: 1, max: 60 }).chain(depth => fc.constantFrom('array', 'object').map(kind => {
  let value: unknown = 1
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value }
  return value
}))

const wrongType = fc.oneof(
  fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(Number.MAX_SAFE_INTEGER, -0, 1e308, -1),
  fc.array(fc.jsonValue(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue(), { maxKeys: 3 }), nested
)

/** A good value for one parameter, as its spec describes it. */
function goodValue (name: string, spec: ParamSpec): fc.Arbitrary<unknown> {
  const good: fc.Arbitrary<unknown>[] = []
  if (spec.type === 'string') {
    if (spec.enum !== undefined) good.push(fc.constantFrom(...spec.enum))
    else if (spec.format === 'date') good.push(fc.integer({ min: -40, max: 10 }).map(days => new Date(NOW_MS + days * 86_400_000).toISOString().slice(0, 10)))
    else if (spec.pattern !== undefined) good.push(fc.stringMatching(spec.pattern.regex))
    else good.push(fc.string({ maxLength: Math.min(spec.maxLength ?? 40, 40) }))
    if (name === 'callid') good.push(fc.constant(call.callid))
    if (name === 'callidb') good.push(fc.constant(call.callidb))
    if (name === 'search') good.push(fc.constantFrom(call.callid, call.dest_number, '447', 'Acme'))
  } else if (spec.type === 'number') {
    good.push(spec.integer === true ? fc.integer({ min: spec.min ?? -1000, max: spec.max ?? 100_000 }) : fc.double({ min: spec.min ?? -1000, max: spec.max ?? 100_000, noNaN: true }))
    if (name === 'customer_id') good.push(fc.constant(call.customer_id))
  } else {
    good.push(fc.boolean())
  }
  return fc.oneof(...good)
}

/** Anything a careless or hostile client might send for a parameter. */
const hostileValue = fc.oneof({ arbitrary: hostileString, weight: 2 }, { arbitrary: wrongType, weight: 1 })

/** Keys that are no parameter: misspellings, prototype keys, a huge or broken name. */
const extraKeys = fc.array(fc.tuple(
  fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'x'.repeat(50_000), '\udc00')),
  fc.jsonValue({ maxDepth: 2 })
), { minLength: 1, maxLength: 2 })

/**
 * Arguments for a tool: all good (the tool runs), good with one hostile value (that parameter
 * must be named), anything for every parameter, extra keys, or no object at all.
 */
function argsFor (tool: ToolDefinition): fc.Arbitrary<unknown> {
  const names = Object.keys(tool.params)
  const good = fc.tuple(...names.map(name => fc.option(goodValue(name, tool.params[name]!), { nil: undefined, freq: 2 })))
  // Object.fromEntries makes `__proto__` an own key, as JSON.parse does.
  const object = (values: unknown[], more: (readonly [string, unknown])[] = []): Record<string, unknown> =>
    Object.fromEntries([...names.map((name, i) => [name, values[i]] as const).filter(([, v]) => v !== undefined), ...more])
  const oneHostile = names.length === 0
    ? extraKeys.map(more => object([], more))
    : fc.tuple(good, fc.nat({ max: names.length - 1 }), hostileValue).map(([values, i, bad]) => object(values.map((v, j) => (j === i ? bad : v))))
  const anything = fc.tuple(fc.tuple(...names.map(() => fc.option(fc.oneof(fc.constant('x'), hostileValue), { nil: undefined }))), fc.option(extraKeys, { nil: undefined }))
    .map(([values, more]) => object(values, more ?? []))
  return fc.oneof(
    { arbitrary: good.map(values => object(values)), weight: 4 },
    { arbitrary: oneHostile, weight: 4 },
    { arbitrary: anything, weight: 1 },
    { arbitrary: fc.tuple(good, extraKeys).map(([values, more]) => object(values, more)), weight: 1 },
    { arbitrary: fc.oneof(wrongType, fc.constant(undefined)), weight: 1 }
  )
}

const toolName = fc.oneof(
  { arbitrary: fc.constantFrom(...tools.map(t => t.name)), weight: 8 },
  { arbitrary: fc.constantFrom('dst', 'getCTrace', 'getsiptrace', 'x'.repeat(100_000), '', '__proto__', 'constructor'), weight: 1 },
  { arbitrary: wrongType, weight: 1 }
)

/** A `tools/call` request: a tool, and arguments made for it. */
const toolCall = fc.tuple(fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), toolName).chain(([id, name]) => {
  const tool = typeof name === 'string' ? byName.get(name) : undefined
  return (tool === undefined ? wrongType : argsFor(tool)).map(args => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }))
})

/** Any envelope: good requests, notifications, responses, and broken ones of every kind. */
const envelope = fc.record({
  jsonrpc: fc.oneof({ arbitrary: fc.constant('2.0'), weight: 6 }, { arbitrary: fc.constantFrom('1.0', 2, null, ''), weight: 1 }),
  id: fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null), fc.double(), fc.constant({}), fc.constant([1])),
  method: fc.oneof(
    { arbitrary: fc.constantFrom('initialize', 'ping', 'tools/list', 'tools/call', 'resources/list', 'resources/read', 'resources/templates/list', 'notifications/initialized'), weight: 6 },
    { arbitrary: fc.oneof(fc.string({ maxLength: 20 }), fc.constant('m'.repeat(100_000)), wrongType), weight: 2 }
  ),
  params: fc.oneof(
    fc.constant({}), fc.record({ protocolVersion: fc.constantFrom('2025-11-25', '2024-01-01', 5) }), fc.record({ cursor: fc.string({ maxLength: 5 }) }),
    fc.record({ uri: fc.oneof(fc.string({ maxLength: 10 }), fc.constant('u'.repeat(50_000))) }), wrongType, fc.string({ maxLength: 5 })
  ),
  result: fc.jsonValue({ maxDepth: 2 }),
  error: fc.oneof(fc.record({ code: fc.integer(), message: fc.string({ maxLength: 8 }) }), wrongType)
}, { requiredKeys: [] })

// ---------------------------------------------------------------------------------------------
// What every answer must be.

const isId = (value: unknown): boolean => typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))
const isObject = (value: unknown): value is Record<string, any> => value !== null && typeof value === 'object' && !Array.isArray(value)

/** A valid JSON-RPC request: what must get an answer with its own id. */
function isRequest (m: unknown): m is { id: string | number, method: string, params?: unknown } {
  return isObject(m) && m.jsonrpc === '2.0' && typeof m.method === 'string' && 'id' in m && isId(m.id) && !('result' in m) && !('error' in m)
}

/** Checks one answer; throws (an expect) at the first thing wrong. */
function check (message: unknown, response: unknown): void {
  const text = JSON.stringify(response) ?? 'null'
  expect(Buffer.byteLength(text), 'the whole response fits the cap, with room for the envelope').toBeLessThanOrEqual(HARD_CAP_BYTES + 1_000)
  if (response === null) {
    // Only a notification or a well-formed response is accepted without an answer.
    expect(isObject(message) && message.jsonrpc === '2.0' && (typeof message.method === 'string' ? !('id' in message) : ('result' in message) !== ('error' in message))).toBe(true)
    return
  }
  expect(isObject(response)).toBe(true)
  const r = response as Record<string, any>
  expect(r.jsonrpc).toBe('2.0')
  expect('result' in r !== 'error' in r, 'exactly one of result and error').toBe(true)
  expect(r.id).toStrictEqual(isRequest(message) ? message.id : null)
  if ('error' in r) {
    expect(Number.isInteger(r.error.code) && typeof r.error.message === 'string').toBe(true)
    expect(r.error.code, `no internal error: ${String(r.error.message).slice(0, 200)}`).not.toBe(-32603)
    return
  }
  if (!isRequest(message) || message.method !== 'tools/call') return
  const params = message.params as Record<string, any>
  const tool = byName.get(params.name as string)
  expect(tool, 'only a known tool has a tool result').toBeDefined()
  expect(Array.isArray(r.result.content) && r.result.content.length === 1).toBe(true)
  const body = r.result.content[0].text as string
  expect(Buffer.byteLength(body), 'the tool result fits the cap').toBeLessThanOrEqual(HARD_CAP_BYTES)
  const result = JSON.parse(body) as Record<string, any>
  expect(typeof result.summary).toBe('string')
  if (r.result.isError !== true) return
  const error = result.error as Record<string, any>
  expect(ERROR_TYPES, `our error JSON: ${body.slice(0, 200)}`).toContain(error?.type)
  expect(error.type, `no internal error: ${String(error.message).slice(0, 300)}`).not.toBe('internal')
  expect(typeof error.message).toBe('string')
  if (error.type === 'invalid_argument') {
    const parameter = error.parameter as unknown
    expect(typeof parameter, `an argument error names the parameter: ${body.slice(0, 200)}`).toBe('string')
    const given = isObject(params.arguments) ? Object.keys(params.arguments) : []
    const named = parameter === 'arguments' || Object.keys(tool!.params).includes(parameter as string) ||
      given.some(key => key.startsWith((parameter as string).replace(/…$/, '')))
    expect(named, `the parameter ${String(parameter).slice(0, 60)} is one of the tool's or the arguments'`).toBe(true)
  }
}

/** Runs a property; fast-check's report carries the seed and the shrunk case. */
async function assertProperty<T extends [unknown]> (property: fc.IAsyncProperty<T>, numRuns: number): Promise<void> {
  await fc.assert(property, { seed: SEED, numRuns, endOnFailure: false })
}

describe(`fuzzing the MCP server (seed ${SEED})`, () => {
  it(`answers ${RUNS.envelopes} envelopes of every kind as JSON-RPC, in Node`, async () => {
    await assertProperty(fc.asyncProperty(fc.oneof(envelope, toolCall), async message => {
      check(message, await handleMessage(nodeServer, message))
    }), RUNS.envelopes)
  }, 60_000)

  it(`answers ${RUNS.toolCalls} tool calls made from each tool's own parameters, in Node`, async () => {
    await assertProperty(fc.asyncProperty(toolCall, async message => {
      check(message, await handleMessage(nodeServer, message))
    }), RUNS.toolCalls)
  }, 60_000)

  it(`answers ${RUNS.bundle} messages through the platform's front and the bundle in QuickJS`, async () => {
    const host = new ScriptForgeHost({ backend: instant, env: { API_USERNAME: 'fuzz@example.com' }, clock: switchClock() })
    const bundle = new BundleFile(resolve(import.meta.dirname, '../../dist/mcp.js'), 'mcp')
    const deep = fc.integer({ min: 65, max: 100_000 }).map(depth => `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`)
    const body = fc.oneof(
      { arbitrary: fc.oneof(toolCall, envelope).map(m => JSON.stringify(m) ?? 'null'), weight: 8 },
      { arbitrary: deep, weight: 1 },
      { arbitrary: fc.string({ maxLength: 30 }), weight: 1 }
    )
    await assertProperty(fc.asyncProperty(body, async text => {
      const parsed = parseBody(text)
      if ('error' in parsed) {
        // Not JSON, or nested too deeply: the platform answers without running the script.
        expect(parsed.error).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: expect.any(Number), message: expect.any(String) } })
        return
      }
      const answer = await answerMessage(host, bundle, parsed.message)
      check(parsed.message, answer.response)
    }), RUNS.bundle)
  }, 90_000)
})
