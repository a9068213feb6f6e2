import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ScriptForgeStore, scriptForgeApi } from '../../platform/scriptforge/api'
import { apiRoute, startPlatformServer, type FaultRule, type PlatformServer } from '../../platform/server'
import { createSwitch, type SimulatedSwitch } from '../../platform/switch/index'
import type { Io, Prompter } from '../../scripts/lib/cli'

/** The repository under test. */
export const ROOT = resolve(import.meta.dirname, '../..')

export const USER = 'ops@example.com'
export const PASSWORD = 'correct horse'
/** The app deploys go to, and a second one that must never be touched. */
export const APP = { id: 1, name: 'cx-mcp' }
export const OTHER_APP = { id: 2, name: 'billing' }

/** The app's variables before any deploy: awkward values on purpose (quotes, newline, unicode, `=`, `#`). */
export const SEED_VARS = [
  { app_id: APP.id, key: 'API_USERNAME', value: USER },
  { app_id: APP.id, key: 'CONNEXCS_API_TOKEN', value: 'eyJhbGciOi.secret "quoted" = #not-a-comment' },
  { app_id: APP.id, key: 'NOTES', value: 'line one\nline two — ünïcode' },
  { app_id: OTHER_APP.id, key: 'API_USERNAME', value: 'billing@example.com' }
]

/** The local platform with the fake ScriptForge API and the simulated switch behind it. */
export interface FakePlatform {
  platform: PlatformServer
  store: ScriptForgeStore
  sw: SimulatedSwitch
  /** A refresh token for {@link USER}, as `npm run configure` would write it. */
  refreshToken: string
  close (): Promise<void>
}

/** Starts the platform on 127.0.0.1 (the switch's clock is now: the self-test looks for recent calls). */
export async function startFakePlatform (options: { faults?: FaultRule[], now?: () => number, timeLimitMs?: number } = {}): Promise<FakePlatform> {
  const sw = createSwitch({ seed: 1, nowMs: Date.now() })
  const store = new ScriptForgeStore({ apps: [APP, OTHER_APP], vars: SEED_VARS })
  const platform = await startPlatformServer({
    users: { [USER]: PASSWORD },
    routes: [scriptForgeApi({ backend: sw.api, store, hostname: 'test-host', ...(options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs }) }), apiRoute(sw.api)],
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.now === undefined ? {} : { now: options.now })
  })
  return { platform, store, sw, refreshToken: platform.issueToken(USER, 'refresh'), close: () => platform.close() }
}

/**
 * A copy of the project's sources in a temporary folder (src/, the config files), with the
 * repository's node_modules and scripts linked in, so that `npm run` works there and a test may
 * change a tool without touching the repository.
 */
export function tempProject (): { root: string, remove (): void } {
  const root = mkdtempSync(join(tmpdir(), 'cx-mcp-deploy-'))
  cpSync(join(ROOT, 'src'), join(root, 'src'), { recursive: true })
  for (const file of ['cx.config.json', 'package.json', 'tsconfig.base.json', 'tsconfig.json']) cpSync(join(ROOT, file), join(root, file))
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir')
  symlinkSync(join(ROOT, 'scripts'), join(root, 'scripts'), 'dir')
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) }
}

/** Writes the credentials `npm run configure` would write. */
export function writeDotEnv (root: string, fake: FakePlatform, appId: string | number = APP.id): void {
  writeFileSync(join(root, '.env'), `CX_BASE_URL=${fake.platform.baseUrl}\nCX_REFRESH_TOKEN="${fake.refreshToken}"\nAPP_ID=${appId}\n`)
}

/** An Io that records what a command prints; interactive only when a prompter is given. */
export function captureIo (root: string, env: Record<string, string | undefined> = {}, prompter?: Prompter & { asked?: string[] }) {
  const out: string[] = []
  const err: string[] = []
  const waits: number[] = []
  const io: Io = {
    root,
    env,
    out: line => out.push(line),
    err: line => err.push(line),
    interactive: prompter !== undefined,
    prompter: prompter ?? { ask: () => Promise.reject(new Error('asked in CI')), secret: () => Promise.reject(new Error('asked in CI')) },
    sleep: ms => {
      waits.push(ms)
      return Promise.resolve()
    }
  }
  return { io, out, err, waits, text: () => [...out, ...err].join('\n') }
}

/** A prompter that answers from a list and remembers the questions. */
export function scriptedPrompter (answers: string[]): Prompter & { asked: string[] } {
  const asked: string[] = []
  const next = (question: string): Promise<string> => {
    asked.push(question)
    return Promise.resolve(answers.shift() ?? '')
  }
  return { asked, ask: next, secret: next }
}

/** What a command printed and how it exited. */
export interface CommandRun {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs a command in `cwd` as CI does (CI=true, no terminal), with only the given variables added to
 * a clean environment; its process group is killed after `timeoutMs`.
 */
export function runCommand (cwd: string, file: string, args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CommandRun> {
  return new Promise((done, reject) => {
    const child = spawn(file, args, {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => (stdout += String(chunk)))
    child.stderr.on('data', chunk => (stderr += String(chunk)))
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL')
      reject(new Error(`${[file, ...args].join(' ')} did not finish within ${timeoutMs} ms.\nstdout:\n${stdout}\nstderr:\n${stderr}`))
    }, timeoutMs)
    child.once('error', reject)
    child.once('close', code => {
      clearTimeout(timer)
      done({ code, stdout, stderr })
    })
  })
}

/** Runs `npm run <script> -- <args>` in `cwd` with {@link runCommand}. */
export function npmRun (cwd: string, script: string, args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CommandRun> {
  return runCommand(cwd, 'npm', ['run', '--silent', script, '--', ...args], env, timeoutMs)
}
