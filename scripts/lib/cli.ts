import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface, type Interface } from 'node:readline/promises'
import { Writable } from 'node:stream'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { loadConfig, ROOT, type CxConfig } from './config'
import { jwtExpiry } from '../../platform/live/apiText'
import { readEnvFile } from './envFile'
import { quietOnClosedOutput, writeLine } from './output'

/**
 * What the deploy commands (`configure`, `deploy`, `remote`) share: where output goes, how they
 * ask questions (never in CI), the project they work on, and the credentials in `.env`.
 */

/** A failure that ends a command with a message and an exit status (1: failed, 2: wrong usage). */
export class CliError extends Error {
  readonly exitCode: number

  constructor (message: string, exitCode = 1) {
    super(message)
    this.name = 'CliError'
    this.exitCode = exitCode
  }
}

/** Questions asked at a terminal. */
export interface Prompter {
  ask (question: string): Promise<string>
  /** Asks without echoing the answer (a password). */
  secret (question: string): Promise<string>
}

/** A command's surroundings: a project folder, its environment, output, and a terminal or not. */
export interface Io {
  /** The project (the folder holding cx.config.json). */
  root: string
  env: Record<string, string | undefined>
  out (line: string): void
  err (line: string): void
  /** False in CI or without a terminal: then nothing may be asked. */
  interactive: boolean
  prompter: Prompter
  /** How to wait before a retry (tests pass one that does not). */
  sleep?: (ms: number) => Promise<void>
}

/** Ctrl+C at a question ends the command as a shell expects, not as a silent success. */
function exitOnInterrupt (rl: Interface): void {
  rl.once('SIGINT', () => {
    process.stdout.write('\n')
    process.exit(130)
  })
}

/** The terminal's prompter: readline, with echo muted for secrets. */
const terminalPrompter: Prompter = {
  async ask (question) {
    const rl = createInterface({ input: process.stdin, output: process.stdout })
    exitOnInterrupt(rl)
    try {
      return (await rl.question(question)).trim()
    } finally {
      rl.close()
    }
  },
  async secret (question) {
    process.stdout.write(question)
    const muted = new Writable({ write: (_chunk, _encoding, done) => done() })
    const rl = createInterface({ input: process.stdin, output: muted, terminal: true })
    exitOnInterrupt(rl)
    try {
      return await rl.question('')
    } finally {
      rl.close()
      process.stdout.write('\n')
    }
  }
}

/** The Io of a command run from a shell. */
export function terminalIo (): Io {
  const root = existsSync(resolve(process.cwd(), 'cx.config.json')) ? process.cwd() : ROOT
  return {
    root,
    env: process.env,
    out: line => writeLine(process.stdout, line),
    err: line => writeLine(process.stderr, line),
    interactive: process.stdin.isTTY === true && process.stdout.isTTY === true && (process.env.CI ?? '') === '',
    prompter: terminalPrompter
  }
}

/**
 * Runs a command in this terminal and sets the process's exit status from what it returns; a
 * reader that stops reading (`| head -3`) ends the output, not the command.
 */
export async function runCommand (command: (argv: string[], io: Io) => Promise<number>): Promise<void> {
  quietOnClosedOutput()
  const io = terminalIo()
  process.exitCode = await command(process.argv.slice(2), io)
}

/** Turns what a command threw into its exit status, with the message on stderr. */
export function reportFailure (io: Io, error: unknown): number {
  io.err(error instanceof Error ? error.message : String(error))
  return error instanceof CliError ? error.exitCode : 1
}

/** A variable from the environment, else from `.env`; blank counts as unset (CI passes unset secrets as ''). */
export function setting (io: Io, key: string): string | undefined {
  const blank = (value: string | undefined): boolean => value === undefined || value.trim() === ''
  const value = blank(io.env[key]) ? readEnvFile(resolve(io.root, '.env'))[key] : io.env[key]
  return blank(value) ? undefined : value!.trim()
}

/** The project's config and the API base URL (`CX_BASE_URL` overrides `apiBaseUrl`). */
export function project (io: Io): { config: CxConfig, baseUrl: string } {
  let config: CxConfig
  try {
    config = loadConfig(io.root)
  } catch (error) {
    throw new CliError((error as Error).message, 2)
  }
  const override = setting(io, 'CX_BASE_URL')
  if (override !== undefined && !/^https?:\/\/[^/\s]+\/(\S*\/)?$/.test(override.endsWith('/') ? override : `${override}/`)) {
    throw new CliError(`CX_BASE_URL must be an http(s) URL such as https://app.connexcs.com/api/cp/; got ${override}`, 2)
  }
  const baseUrl = override === undefined ? config.apiBaseUrl : override.endsWith('/') ? override : `${override}/`
  return { config, baseUrl }
}

/** Warn this long before the refresh token expires. */
const EXPIRY_WARNING_DAYS = 7

/**
 * The refresh token and app id, from the environment or `.env`; says how to get them when
 * missing, and warns when the token is about to expire.
 */
export function credentials (io: Io): { refreshToken: string, appId: string } {
  const refreshToken = setting(io, 'CX_REFRESH_TOKEN')
  const appId = setting(io, 'APP_ID')
  const missing = [refreshToken === undefined ? 'CX_REFRESH_TOKEN' : undefined, appId === undefined ? 'APP_ID' : undefined].filter(k => k !== undefined)
  if (missing.length > 0) {
    throw new CliError(`${missing.join(' and ')} not set: run \`npm run configure\` (it writes them to .env), or set them in the environment (in CI, as secrets).`)
  }
  const exp = jwtExpiry(refreshToken!)
  const daysLeft = exp === undefined ? undefined : (exp * 1000 - Date.now()) / 86_400_000
  if (daysLeft !== undefined && daysLeft > 0 && daysLeft < EXPIRY_WARNING_DAYS) {
    io.err(`Warning: the refresh token expires on ${new Date(exp! * 1000).toISOString().slice(0, 10)}: run \`npm run configure\` for a new one (and update the CX_REFRESH_TOKEN secret in CI).`)
  }
  return { refreshToken: refreshToken!, appId: appId! }
}

/** `node:util` parseArgs for a command: a wrong flag is a usage error (exit 2) with the usage text. */
export function parseCommandLine<const T extends ParseArgsConfig> (config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config)
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${usage}`, 2)
  }
}
