import { writeSync } from 'node:fs'

/**
 * Output of the command-line scripts, whatever reads it.
 *
 * - On a pipe, Node writes stdout asynchronously: `process.exit()` right after printing cuts
 *   what was not written yet (at 64 KiB, a pipe's buffer). A script that exits after printing
 *   calls {@link printAndExit}, which writes everything first.
 * - A reader that goes away (`npm run deploy | head -3`) closes the pipe: the next write fails
 *   with EPIPE, which Node raises as an uncaught error. {@link quietOnClosedOutput} makes that
 *   the quiet end of the output, so the exit status still tells what the command did.
 */

const pause = new Int32Array(new SharedArrayBuffer(4))

/**
 * Writes all of `text` to a file descriptor before returning, waiting while a pipe is full (a
 * pipe's descriptor is non-blocking). Returns false when the reader has gone (EPIPE).
 */
export function writeAllSync (fd: number, text: string): boolean {
  const bytes = Buffer.from(text, 'utf8')
  let offset = 0
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, 5)
      else if (code === 'EPIPE') return false
      else throw error
    }
  }
  return true
}

/**
 * Prints `text` (a newline added) to stdout or stderr, all of it, then exits with `code`. For a
 * script that exits as soon as it has printed: what it wrote to the same stream before went out
 * at once unless the pipe was full, so it stays first. Otherwise set `process.exitCode`.
 */
export function printAndExit (text: string, code: number, stream: 'stdout' | 'stderr' = code === 0 ? 'stdout' : 'stderr'): never {
  writeAllSync(stream === 'stdout' ? 1 : 2, `${text}\n`)
  process.exit(code)
}

const closed = new Set<NodeJS.WriteStream>()

/** True once the reader of `stream` has gone: nothing more is written to it. */
export function isClosed (stream: NodeJS.WriteStream): boolean {
  return closed.has(stream)
}

/**
 * Makes a closed stdout or stderr (EPIPE) end that stream's output quietly instead of crashing
 * the process; later writes to it are dropped. Other stream errors are thrown as before.
 */
export function quietOnClosedOutput (): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listeners('error').some(l => (l as { quietOnClosed?: boolean }).quietOnClosed === true)) continue
    const onError = Object.assign((error: NodeJS.ErrnoException): void => {
      // Once closed, a later write's error (the stream is destroyed by then) says nothing new.
      if (error.code !== 'EPIPE' && !closed.has(stream)) throw error
      closed.add(stream)
    }, { quietOnClosed: true })
    stream.on('error', onError)
  }
}

/** Writes a line to stdout or stderr unless its reader has gone. */
export function writeLine (stream: NodeJS.WriteStream, line: string): void {
  if (!closed.has(stream)) stream.write(`${line}\n`)
}
