import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import variant from '@jitl/quickjs-ng-wasmfile-release-sync'
import {
  Lifetime,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle
} from 'quickjs-emscripten-core'
import type { ApiBackend } from '../backend'
import { answerFetch, FETCH_PRELUDE, type FetchCall } from './apiFetch'
import { bridgeAnswer } from './builtins/cxRest'
import { builtinSources } from './builtins'
import type { PlatformBehaviour } from './builtins/cxMcpServer'

/**
 * The local ScriptForge runtime: runs a script's exported function in QuickJS-ng, with the
 * built-in modules `cxMcpServer` and `cxRest` and the globals ScriptForge adds (`console`,
 * `process.env`, timers, `fetch` of the API's URLs), and optionally a clock of its own (`Date`).
 *
 * Every run gets a fresh WebAssembly instance, as ScriptForge gives every request a fresh
 * context. That also makes the limits exact: the instance's memory cannot grow past the memory
 * limit, and whatever a failed script leaves behind is thrown away with it.
 */

/** A `console` call of the script. */
export interface LogEvent {
  /** Unix milliseconds. */
  ts: number
  level: 'log' | 'info' | 'warn' | 'error' | 'debug'
  /** The arguments, each as text. */
  args: string[]
}

/** Host settings; each run may override the limits. */
export interface HostOptions {
  /** What `cxRest` calls reach. */
  backend: ApiBackend
  /** The app's environment variables, as `process.env`. */
  env?: Record<string, string>
  /** Memory a run may use, bytes (default 64 MiB, at least 32 MiB). */
  memoryLimitBytes?: number
  /** Wall-clock time a run may take, ms (default 30 s). */
  timeLimitMs?: number
  /** Receives the script's console output as it happens. */
  onLog?: (event: LogEvent) => void
  /**
   * The time the script sees, unix ms: `Date.now()` and `new Date()` inside the sandbox read it
   * (the simulated switch's clock, see `clockFrom`). Default: the real time, untouched.
   */
  clock?: () => number
  /** How the emulated platform behaves where the real one's behaviour is unknown. */
  platform?: Partial<HostPlatform>
  /** The URL under which the sandbox's `fetch` reaches `backend` (default `https://app.connexcs.com/api/cp/`). */
  apiBaseUrl?: string
}

/**
 * The unknown behaviours of the platform: the emulated `cxMcpServer`'s, and whether the sandbox
 * loads an app's file with dynamic `import()` (default true). With `dynamicImport: false`, every
 * file the script's static imports reach still loads, and any other `import()` rejects, as on a
 * platform that resolves only the imports it finds before the script runs.
 */
export interface HostPlatform extends PlatformBehaviour {
  dynamicImport: boolean
}

/** What `import()` of an app's file rejects with when the emulated platform has no dynamic import. */
export const NO_DYNAMIC_IMPORT = 'dynamic import() is not supported on this platform (emulated: host option platform.dynamicImport false)'

/** One invocation: the app's files, the file to run, the exported function and its argument. */
export interface RunRequest {
  /** ScriptForge file name → JavaScript source. Files import each other as `./name`. */
  files: Record<string, string>
  entry: string
  /** Exported function to call (default `main`). */
  fn?: string
  /** The request body, passed to the function as its argument. */
  data: unknown
  memoryLimitBytes?: number
  timeLimitMs?: number
}

/** Why a run failed. */
export type FailureKind = 'timeout' | 'memory' | 'script'

/** The outcome of one run. */
export type RunResult =
  | { ok: true, value: unknown, logs: LogEvent[], ms: number }
  | { ok: false, error: { kind: FailureKind, name: string, message: string, stack?: string }, logs: LogEvent[], ms: number }

const PAGE = 65_536
const MIN_MEMORY = 32 * 1024 * 1024
const DEFAULT_MEMORY = 64 * 1024 * 1024
const DEFAULT_TIME_MS = 30_000

let compiled: Promise<WebAssembly.Module> | undefined

/** The QuickJS-ng WebAssembly module, compiled once per process. */
function wasmModule (): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(readFileSync(createRequire(import.meta.url).resolve('@jitl/quickjs-ng-wasmfile-release-sync/wasm')))
  return compiled
}

/** The string functions of the Emscripten module that quickjs-emscripten copies strings into the sandbox with. */
interface EmscriptenStrings {
  lengthBytesUTF8 (text: string): number
  stringToUTF8 (text: string, at: number, maxBytes: number): number
}

const encoder = new TextEncoder()
/** Any surrogate, paired or not: such rare strings take Emscripten's own path. */
const SURROGATE = /[\uD800-\uDFFF]/

/**
 * Emscripten module options that copy strings into the sandbox with Node's native UTF-8 encoder.
 * Emscripten's own encoder is a JavaScript loop: 30 ms for a long trace's 2.4 MiB API answer, a
 * cost of this emulation, not of the code it runs. A string with a surrogate (a character beyond
 * U+FFFF, or a lone surrogate, which TextEncoder would replace with U+FFFD) keeps Emscripten's encoding.
 */
function nativeStrings (memory: WebAssembly.Memory): { onRuntimeInitialized (this: EmscriptenStrings): void } {
  return {
    onRuntimeInitialized () {
      const { lengthBytesUTF8, stringToUTF8 } = this
      this.lengthBytesUTF8 = text => SURROGATE.test(text) ? lengthBytesUTF8(text) : Buffer.byteLength(text, 'utf8')
      this.stringToUTF8 = (text, at, maxBytes) => {
        if (maxBytes <= 0 || SURROGATE.test(text)) return stringToUTF8(text, at, maxBytes)
        // The memory may have grown since the last call: a view of it as it is now, with room for the NUL.
        const heap = new Uint8Array(memory.buffer, at, maxBytes)
        const { written } = encoder.encodeInto(text, heap.subarray(0, maxBytes - 1))
        heap[written] = 0
        return written
      }
    }
  }
}

// The globals ScriptForge adds, written in the sandbox's own JavaScript on top of four host hooks.
const PRELUDE = `
(() => {
  const host = globalThis.__cxHost
  const text = (v) => {
    if (typeof v === 'string') return v
    if (v instanceof Error) return v.stack ? v.name + ': ' + v.message + '\\n' + v.stack : v.name + ': ' + v.message
    try { const s = JSON.stringify(v); return s === undefined ? String(v) : s } catch { return String(v) }
  }
  const log = (level) => (...args) => host.log(level, JSON.stringify(args.map(text)))
  globalThis.console = { log: log('log'), info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') }
  globalThis.process = { env: JSON.parse(host.env) }
  const timers = new Map()
  let next = 1
  const start = (repeat) => (fn, ms, ...args) => {
    if (typeof fn !== 'function') throw new TypeError('timer callback must be a function')
    const id = next++
    timers.set(id, { fn: () => fn(...args), repeat })
    host.timer(id, Math.max(0, Number(ms) || 0), repeat)
    return id
  }
  const stop = (id) => { if (timers.delete(id)) host.clearTimer(id) }
  globalThis.setTimeout = start(false)
  globalThis.setInterval = start(true)
  globalThis.clearTimeout = stop
  globalThis.clearInterval = stop
  if (typeof host.now === 'function') {
    // The host's clock: Date.now() and new Date() read it; every other use of Date is the real one.
    const RealDate = Date
    const now = () => host.now()
    globalThis.Date = new Proxy(RealDate, {
      construct: (target, args, newTarget) => Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget),
      apply: () => new RealDate(now()).toString(),
      get: (target, key, receiver) => key === 'now' ? now : Reflect.get(target, key, receiver)
    })
  }
  globalThis.__cxFire = (id) => {
    const timer = timers.get(id)
    if (timer === undefined) return
    if (!timer.repeat) timers.delete(id)
    timer.fn()
  }
})()
`

/** An error thrown in the VM, as plain data. */
function dumpError (ctx: QuickJSContext, handle: QuickJSHandle): { name: string, message: string, stack?: string } {
  const value = ctx.dump(handle) as unknown
  if (value !== null && typeof value === 'object') {
    const e = value as { name?: unknown, message?: unknown, stack?: unknown }
    return {
      name: String(e.name ?? 'Error'),
      message: String(e.message ?? JSON.stringify(value)),
      ...(typeof e.stack === 'string' && e.stack !== '' ? { stack: e.stack } : {})
    }
  }
  return { name: 'Error', message: String(value) }
}

function classify (error: { name: string, message: string }, timedOut: boolean): FailureKind {
  if (timedOut || (error.name === 'InternalError' && error.message === 'interrupted')) return 'timeout'
  if (/out of memory|memory access out of bounds|Cannot enlarge memory|OOM/i.test(error.message)) return 'memory'
  return 'script'
}

/** Runs ScriptForge scripts locally. */
export class ScriptForgeHost {
  private readonly options: HostOptions

  constructor (options: HostOptions) {
    this.options = options
  }

  /** Runs `request.fn` of `request.entry` with `request.data`; never throws. */
  async run (request: RunRequest): Promise<RunResult> {
    const started = Date.now()
    const logs: LogEvent[] = []
    const memoryLimit = Math.max(MIN_MEMORY, request.memoryLimitBytes ?? this.options.memoryLimitBytes ?? DEFAULT_MEMORY)
    const timeLimit = request.timeLimitMs ?? this.options.timeLimitMs ?? DEFAULT_TIME_MS
    const deadline = started + timeLimit
    const limitText = {
      timeout: `ScriptForge time limit exceeded: the script ran longer than ${timeLimit} ms`,
      memory: `ScriptForge memory limit exceeded: the script needed more than ${Math.round(memoryLimit / 1048576)} MiB`
    }
    const fail = (kind: FailureKind, error: { name: string, message: string, stack?: string }): RunResult => ({
      ok: false,
      error: kind === 'script' ? { kind, ...error } : { kind, name: error.name, message: `${limitText[kind]} (${error.message})` },
      logs,
      ms: Date.now() - started
    })

    const memory = new WebAssembly.Memory({ initial: 256, maximum: Math.floor(memoryLimit / PAGE) })
    const quickjs = await newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmModule: await wasmModule(), wasmMemory: memory, emscriptenModule: { wasmMemory: memory, ...nativeStrings(memory) } }))
    const hostTimers = new Map<number, ReturnType<typeof setTimeout>>()
    // Ends the run's API calls still under way when the run ends: nothing waits for them then.
    const calls = new AbortController()
    let finished = false
    let deadlineTimer: ReturnType<typeof setTimeout> | undefined

    // Settled by whatever ends the run first: the function's promise, a failure, or the deadline.
    let settle!: (result: RunResult) => void
    const outcome = new Promise<RunResult>(resolve => {
      settle = result => {
        if (finished) return
        finished = true
        resolve(result)
      }
    })

    try {
      const runtime = quickjs.newRuntime()
      runtime.setMaxStackSize(1024 * 1024)
      runtime.setInterruptHandler(() => Date.now() > deadline)
      const files = request.files
      const builtins = await builtinSources()
      // Set once the entry and its static imports have loaded: any module asked for after that is an import().
      let staticLoaded = false
      const dynamicImport = this.options.platform?.dynamicImport ?? true
      runtime.setModuleLoader(
        name => {
          if (staticLoaded && !dynamicImport) return { error: new TypeError(`Cannot load './${name}': ${NO_DYNAMIC_IMPORT}`) }
          return builtins[name] ?? files[name] ?? { error: new Error(`Cannot find module '${name}': not a built-in module and no file of that name in the app`) }
        },
        (_base, name) => name.replace(/^\.\//, '').replace(/\.js$/, '')
      )
      const vm = runtime.newContext()

      /** The failure an error handle of the VM (or a host exception) stands for. */
      const failWith = (error: unknown): RunResult => {
        let plain: { name: string, message: string, stack?: string }
        if (error instanceof Lifetime) {
          plain = dumpError(vm, error as QuickJSHandle)
          error.dispose()
        } else {
          plain = { name: 'RuntimeError', message: error instanceof Error ? error.message : String(error) }
        }
        return fail(classify(plain, Date.now() > deadline), plain)
      }

      /** Runs the VM's pending jobs; an error thrown by a job ends the run. */
      const pump = (): void => {
        if (finished) return
        try {
          const result = runtime.executePendingJobs()
          if (result.error !== undefined) settle(failWith(result.error))
        } catch (error) {
          settle(failWith(error))
        }
      }

      /** A sandbox promise settled by a host promise of text: resolved with the text, or rejected with `error`'s handle. */
      const answerInSandbox = (text: Promise<string>, error: (e: unknown) => QuickJSHandle): QuickJSHandle => {
        const deferred = vm.newPromise()
        const settleWith = (value: QuickJSHandle, how: 'resolve' | 'reject'): void => {
          deferred[how](value)
          value.dispose()
        }
        text.then(t => {
          if (!finished) settleWith(vm.newString(t), 'resolve')
        }, (e: unknown) => {
          if (!finished) settleWith(error(e), 'reject')
        }).finally(() => {
          if (!finished) deferred.dispose()
          pump()
        })
        return deferred.handle
      }
      const hostObject = vm.newObject()
      const hooks: Record<string, (...args: QuickJSHandle[]) => QuickJSHandle | undefined> = {
        log: (level, args) => {
          const event: LogEvent = { ts: Date.now(), level: vm.getString(level) as LogEvent['level'], args: JSON.parse(vm.getString(args)) as string[] }
          logs.push(event)
          this.options.onLog?.(event)
          return undefined
        },
        timer: (id, ms, repeat) => {
          // Handles are only valid during this call: read them now.
          const timerId = vm.getNumber(id)
          const repeating = vm.dump(repeat) === true
          const fire = (): void => {
            if (finished) return
            if (!repeating) hostTimers.delete(timerId)
            const fn = vm.getProp(vm.global, '__cxFire')
            const idHandle = vm.newNumber(timerId)
            const call = vm.callFunction(fn, vm.undefined, idHandle)
            fn.dispose()
            idHandle.dispose()
            if (call.error !== undefined) {
              // A timer callback that throws fails the whole run, as on ScriptForge.
              settle(failWith(call.error))
              return
            }
            call.value.dispose()
            pump()
          }
          const delay = vm.getNumber(ms)
          hostTimers.set(timerId, repeating ? setInterval(fire, delay) : setTimeout(fire, delay))
          return undefined
        },
        clearTimer: id => {
          const timer = hostTimers.get(vm.getNumber(id))
          if (timer !== undefined) clearTimeout(timer)
          hostTimers.delete(vm.getNumber(id))
          return undefined
        },
        rest: requestJson => {
          const apiRequest = JSON.parse(vm.getString(requestJson)) as Parameters<ApiBackend>[0]
          return answerInSandbox(this.options.backend(apiRequest, { signal: calls.signal }).then(bridgeAnswer),
            error => vm.newError(error instanceof Error ? error.message : String(error)))
        },
        fetch: callJson => {
          // The API's URLs only, answered by the same backend as cxRest (apiFetch.ts).
          const call = JSON.parse(vm.getString(callJson)) as FetchCall
          const answer = answerFetch(this.options.backend, call, {
            user: this.options.env?.API_USERNAME ?? '',
            ...(this.options.apiBaseUrl === undefined ? {} : { baseUrl: this.options.apiBaseUrl })
          })
          return answerInSandbox(answer.then(a => JSON.stringify(a)),
            error => vm.newError({ name: error instanceof TypeError ? 'TypeError' : 'Error', message: error instanceof Error ? error.message : String(error) }))
        }
      }
      const clock = this.options.clock
      if (clock !== undefined) hooks.now = () => vm.newNumber(clock())
      for (const [name, hook] of Object.entries(hooks)) {
        const fn = vm.newFunction(name, hook)
        vm.setProp(hostObject, name, fn)
        fn.dispose()
      }
      const envHandle = vm.newString(JSON.stringify(this.options.env ?? {}))
      vm.setProp(hostObject, 'env', envHandle)
      envHandle.dispose()
      if (this.options.platform !== undefined) {
        // Read by the emulated cxMcpServer at every call (platformBehaviour()).
        const platform = vm.newObject()
        for (const [key, value] of Object.entries(this.options.platform)) {
          if (typeof value === 'boolean' && key !== 'dynamicImport') vm.setProp(platform, key, value ? vm.true : vm.false)
        }
        vm.setProp(hostObject, 'platform', platform)
        platform.dispose()
      }
      vm.setProp(vm.global, '__cxHost', hostObject)
      hostObject.dispose()

      const prelude = vm.evalCode(PRELUDE + FETCH_PRELUDE, 'scriptforge-prelude.js', { type: 'global' })
      if (prelude.error !== undefined) return failWith(prelude.error)
      prelude.value.dispose()

      // The driver imports the entry file like any other app file, then exposes one call.
      const fn = request.fn ?? 'main'
      const driver = vm.evalCode(
        `import * as entry from ${JSON.stringify(request.entry)}
globalThis.__cxRun = async (json) => {
  const fn = entry[${JSON.stringify(fn)}]
  if (typeof fn !== 'function') throw new TypeError(${JSON.stringify(`${request.entry} does not export a function named ${fn}`)})
  const out = await fn(JSON.parse(json))
  return out === undefined ? undefined : JSON.stringify(out)
}`, 'scriptforge-driver.js', { type: 'module' })
      if (driver.error !== undefined) return failWith(driver.error)
      staticLoaded = true
      deadlineTimer = setTimeout(() => settle(fail('timeout', { name: 'InternalError', message: 'interrupted' })), Math.max(0, deadline - Date.now()))

      // Loading may itself be asynchronous (top-level await), so wait for it like for the call.
      const loading = vm.resolvePromise(driver.value)
      driver.value.dispose()
      pump()
      const loaded = await Promise.race([loading, outcome])
      if ('ok' in loaded) return loaded
      if (loaded.error !== undefined) return failWith(loaded.error)
      loaded.value.dispose()

      const runFn = vm.getProp(vm.global, '__cxRun')
      const input = vm.newString(JSON.stringify(request.data ?? {}))
      const call = vm.callFunction(runFn, vm.undefined, input)
      runFn.dispose()
      input.dispose()
      if (call.error !== undefined) return failWith(call.error)
      const pending = vm.resolvePromise(call.value)
      call.value.dispose()
      pending.then(result => {
        if (result.error !== undefined) settle(failWith(result.error))
        else {
          const text = vm.dump(result.value) as unknown
          result.value.dispose()
          settle({ ok: true, value: typeof text === 'string' ? JSON.parse(text) : undefined, logs, ms: Date.now() - started })
        }
      }, (error: unknown) => settle(failWith(error)))
      pump()
      return await outcome
    } catch (error) {
      const e = { name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) }
      return fail(classify(e, Date.now() > deadline), e)
    } finally {
      finished = true
      calls.abort()
      clearTimeout(deadlineTimer)
      for (const timer of hostTimers.values()) clearTimeout(timer)
      // No dispose: the whole WebAssembly instance is dropped with this run, and freeing a
      // context that ended early (pending promises, a timeout) would trip QuickJS's leak assertion.
    }
  }
}
