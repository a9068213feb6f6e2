import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { CliError, credentials, parseCommandLine, project, reportFailure, type Io } from './cli'
import { CxApi } from './cxApi'
import { runPath } from './scriptForge'
import { readEvents } from './sse'

const USAGE = `Usage: npm run remote -- <file> [--fn <name>] [--body <json|file>] [--timeout <s>]
Runs a ScriptForge file of the app on the platform, as \`cx run\` does: streams its console
output while it runs, then prints what it returned.

  <file>           the file's name (e.g. selfTest), id or UUID
  --fn <name>      the exported function to call (default: main)
  --body <json>    its argument: JSON text, or the path of a JSON file (default: {})
  --timeout <s>    give up after this many seconds (default: 120)
  --help           show this

Exit status: 0 when the run returned a result; 1 on an error event (a function that throws,
such as a failing selfTest), an HTTP error, a timeout, or a stream that ends without a result;
2 on wrong usage.`

const LEVELS: Record<string, string> = { 'console.log': 'LOG', 'console.info': 'INF', 'console.warn': 'WRN', 'console.error': 'ERR', 'console.debug': 'DBG' }

/** `HH:MM:SS.mmm` (UTC) of a unix-ms time. */
function clock (ms: number): string {
  return new Date(ms).toISOString().slice(11, 23)
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** The function's argument from `--body`: JSON text, or a file holding it. */
function body (io: Io, value: string | undefined): unknown {
  if (value === undefined) return {}
  const path = resolve(io.root, value)
  const text = existsSync(path) ? readFileSync(path, 'utf8') : value
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new CliError(`--body must be JSON (or the path of a JSON file): ${(error as Error).message}`, 2)
  }
}

/** `npm run remote`. */
export async function remoteCommand (argv: string[], io: Io): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    const { values, positionals } = parseCommandLine({
      args: argv,
      options: { fn: { type: 'string', short: 'f' }, body: { type: 'string', short: 'b' }, timeout: { type: 'string' }, help: { type: 'boolean' } },
      allowPositionals: true
    }, USAGE)
    if (values.help === true) {
      io.out(USAGE)
      return 0
    }
    if (positionals.length !== 1) throw new CliError(`Name one file to run.\n\n${USAGE}`, 2)
    const file = positionals[0]!.replace(/\.js$/, '')
    if (values.fn !== undefined && !/^[A-Za-z_$][\w$]*$/.test(values.fn)) throw new CliError(`--fn must be the name of an exported function; got ${values.fn}`, 2)
    const timeoutS = values.timeout === undefined ? 120 : Number(values.timeout)
    if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new CliError(`--timeout must be a number of seconds; got ${values.timeout}`, 2)
    const argument = body(io, values.body)
    const { baseUrl } = project(io)
    const { refreshToken, appId } = credentials(io)
    const api = new CxApi({ baseUrl, refreshToken, onRetry: m => io.err(m), ...(io.sleep === undefined ? {} : { sleep: io.sleep }) })

    const deadline = new AbortController()
    timer = setTimeout(() => deadline.abort(), timeoutS * 1000)
    const what = `${file}${values.fn === undefined ? '' : ` (function ${values.fn})`} in app ${appId}`
    const timedOut = (): number => {
      io.err(`Timed out: ${what} gave no result within ${timeoutS} s.`)
      return 1
    }
    io.out(`Running ${what}…`)

    let response: Response
    try {
      response = await api.send('POST', runPath(appId, file, values.fn), { body: argument, headers: { Accept: 'text/event-stream' }, signal: deadline.signal })
    } catch (error) {
      if (deadline.signal.aborted) return timedOut()
      throw error
    }

    let result: { value: unknown } | undefined
    let failure: string | undefined
    let logs = 0
    if (!/text\/event-stream/i.test(response.headers.get('content-type') ?? '')) {
      // A platform that ignores Accept answers with the result itself.
      result = { value: parseJson(await response.text()) }
    } else {
      try {
        for await (const event of readEvents(response.body ?? new ReadableStream<Uint8Array>())) {
          if (event.event === 'header') {
            const { key, value } = parseJson(event.data) as { key?: string, value?: string }
            io.out(`[header] ${String(key ?? '').replace(/^x-/i, '')}: ${String(value ?? '')}`)
          } else if (event.event === 'log') {
            logs++
            const log = parseJson(event.data) as { ts?: number, payload?: unknown, level?: string }
            if (typeof log !== 'object' || log === null || typeof log.ts !== 'number') io.out(`[log] ${event.data}`)
            else io.out(`${clock(log.ts)} ${LEVELS[log.level ?? ''] ?? 'LOG'} ${typeof log.payload === 'string' ? log.payload : JSON.stringify(log.payload)}`)
          } else if (event.event === 'error') {
            const error = parseJson(event.data) as { name?: string, message?: string, details?: { errorMessage?: string } }
            failure = typeof error === 'object' && error !== null
              ? `${error.name ?? 'Error'}: ${error.message ?? error.details?.errorMessage ?? event.data}`
              : String(error)
          } else if (event.event === 'message') {
            result = { value: parseJson(event.data) }
          }
        }
      } catch (error) {
        if (deadline.signal.aborted) return timedOut()
        throw new CliError(`The stream from ${what} broke off: ${(error as Error).message}`)
      }
    }
    if (failure !== undefined) {
      io.err(`Run failed: ${failure}`)
      return 1
    }
    if (result === undefined) {
      io.err(`No result: the stream from ${what} ended without its final event${logs === 0 ? '' : ` (after ${logs} log lines)`}.`)
      return 1
    }
    io.out('Result:')
    io.out(typeof result.value === 'string' ? result.value : JSON.stringify(result.value, null, 2))
    return 0
  } catch (error) {
    return reportFailure(io, error)
  } finally {
    clearTimeout(timer)
  }
}
