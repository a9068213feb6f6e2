import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'

/** The project root, where `npm start` runs. */
export const ROOT = resolve(import.meta.dirname, '../..')

/** The switch every protocol test runs against: seed 1 at a fixed clock, so answers are exact. */
export const FIXED_ARGS = ['--seed', '1', '--now', '2026-11-24T12:00:00Z']

/** A server started with `npm start`, stopped with its whole process group. */
export interface RunningServer {
  url: string
  child: ChildProcess
  stdout (): string
  stop (): Promise<void>
}

/** How to start a server: which npm script, what in its output says it is up, its environment. */
export interface StartOptions {
  script?: string
  /** The first group is the URL. */
  ready?: RegExp
  env?: NodeJS.ProcessEnv
}

/**
 * Runs `npm <script> -- <args>` (default `npm start`) and waits (at most `waitMs`) for the line
 * that gives its URL. The process gets its own group so that stopping it also stops the node
 * process npm started.
 */
export function startServer (args: string[], waitMs = 30_000, options: StartOptions = {}): Promise<RunningServer> {
  const script = options.script ?? 'start'
  const ready = options.ready ?? /listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)/
  const child = spawn('npm', script === 'start' ? ['start', '--', ...args] : ['run', script, '--', ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env })
  let out = ''
  let err = ''
  child.stdout!.on('data', chunk => (out += String(chunk)))
  child.stderr!.on('data', chunk => (err += String(chunk)))
  const stop = (): Promise<void> => new Promise(done => {
    if (child.exitCode !== null || child.signalCode !== null) return done()
    child.once('exit', () => done())
    try {
      process.kill(-child.pid!, 'SIGTERM')
    } catch {
      done()
    }
  })
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`npm ${script} did not print its URL within ${waitMs} ms.\nstdout:\n${out}\nstderr:\n${err}`))
    }, waitMs)
    const check = (): void => {
      const m = ready.exec(out)
      if (m === null) return
      clearTimeout(timer)
      child.stdout!.off('data', check)
      resolvePromise({ url: m[1]!, child, stdout: () => out, stop })
    }
    child.stdout!.on('data', check)
    child.once('exit', code => {
      clearTimeout(timer)
      reject(new Error(`npm ${script} exited with ${code}.\nstdout:\n${out}\nstderr:\n${err}`))
    })
  })
}
