import { createInterface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import type { ScriptForgeHost } from './host'
import { answerMessage, parseBody, type BundleFile } from './mcpEndpoint'

/** Options of the stdio front. */
export interface StdioFrontOptions {
  host: ScriptForgeHost
  bundle: BundleFile
  input: Readable
  /** Carries protocol messages and nothing else. */
  output: Writable
  /** Everything that is not a protocol message goes here (stderr). */
  log: (line: string) => void
}

/**
 * The MCP stdio front: newline-delimited JSON-RPC in, one JSON line per response out. Messages
 * run concurrently, each in its own context, so a slow tool call does not hold up a ping.
 * Resolves when the input ends and every answer is written.
 */
export async function serveStdio (options: StdioFrontOptions): Promise<void> {
  const lines = createInterface({ input: options.input, crlfDelay: Infinity })
  const inFlight = new Set<Promise<void>>()
  const write = (message: unknown): void => {
    options.output.write(JSON.stringify(message) + '\n')
  }
  for await (const line of lines) {
    if (line.trim() === '') continue
    const parsed = parseBody(line)
    if ('error' in parsed) {
      options.log('stdio: parse error')
      write(parsed.error)
      continue
    }
    const work = answerMessage(options.host, options.bundle, parsed.message).then(answer => {
      options.log(`stdio: ${answer.what} (${answer.ms} ms)`)
      if (answer.response !== null) write(answer.response)
    })
    inFlight.add(work)
    void work.finally(() => inFlight.delete(work))
  }
  await Promise.all(inFlight)
}
