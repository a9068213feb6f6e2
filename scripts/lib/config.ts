import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'

/** One bundle: a TypeScript entry and the ScriptForge file it becomes. */
export interface Entry {
  /** Path of the entry module, relative to the project root, e.g. `src/mcp.ts`. */
  source: string
  /** ScriptForge file name (no extension); the bundle is `<outDir>/<name>.js`. */
  name: string
}

/** `cx.config.json`: what is built and where it goes. */
export interface CxConfig {
  /** The ScriptForge app's name. */
  app: string
  /** ConnexCS control-panel API root, ending in `/`. */
  apiBaseUrl: string
  outDir: string
  entries: Entry[]
  /**
   * How the server's file gets at its tools' code: `lazy` (the default) builds the front with the
   * tools' metadata and one file per tool, loaded with `import()` on the tool's first call;
   * `bundle` builds one file with every tool, for a platform without dynamic `import()`.
   */
  loading?: 'lazy' | 'bundle'
}

/** The project root (the folder holding `cx.config.json`). */
export const ROOT = resolve(import.meta.dirname, '../..')

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/

/** A `cx.config.json` that is not right; the message names the key and the fix. */
export class ConfigError extends Error {
  constructor (file: string, message: string) {
    super(`${file}: ${message}`)
    this.name = 'ConfigError'
  }
}

/** Checks a parsed config; throws a ConfigError naming the first wrong key. */
export function validateConfig (value: unknown, file = 'cx.config.json', root = ROOT): CxConfig {
  const fail = (message: string): never => {
    throw new ConfigError(file, message)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('must be a JSON object with keys app, apiBaseUrl, outDir, entries')
  const config = value as Record<string, unknown>
  const known = ['app', 'apiBaseUrl', 'outDir', 'entries', 'loading']
  for (const key of Object.keys(config)) {
    if (!known.includes(key)) fail(`unknown key "${key}"; the keys are ${known.join(', ')}`)
  }
  if (typeof config.app !== 'string' || config.app.trim() === '') fail('"app" must be the ScriptForge app\'s name, a non-empty string')
  if (typeof config.apiBaseUrl !== 'string' || !/^https?:\/\/[^/\s]+\/(\S*\/)?$/.test(config.apiBaseUrl)) {
    fail(`"apiBaseUrl" must be an http(s) URL ending in "/", e.g. "https://app.connexcs.com/api/cp/"; got ${JSON.stringify(config.apiBaseUrl)}`)
  }
  if (typeof config.outDir !== 'string' || config.outDir.trim() === '' || config.outDir.startsWith('/') || config.outDir.includes('..')) {
    fail(`"outDir" must be a folder inside the project, e.g. "dist"; got ${JSON.stringify(config.outDir)}`)
  }
  if (config.loading !== undefined && config.loading !== 'lazy' && config.loading !== 'bundle') {
    fail(`"loading" must be "lazy" (each tool's file loaded with import() on its first call) or "bundle" (one file); got ${JSON.stringify(config.loading)}`)
  }
  if (!Array.isArray(config.entries) || config.entries.length === 0) fail('"entries" must be a non-empty array of { "source": "src/<file>.ts", "name": "<ScriptForge file name>" }')
  const entries = config.entries as unknown[]
  const names = new Set<string>()
  entries.forEach((entry, i) => {
    const at = `entries[${i}]`
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail(`${at} must be an object { "source": ..., "name": ... }`)
    const { source, name, ...rest } = entry as Record<string, unknown>
    const extra = Object.keys(rest)[0]
    if (extra !== undefined) fail(`${at} has an unknown key "${extra}"; an entry has only "source" and "name"`)
    if (typeof source !== 'string' || !/^src\/[^/]+\.ts$/.test(source)) fail(`${at}.source must be a TypeScript file directly in src/, e.g. "src/mcp.ts"; got ${JSON.stringify(source)}`)
    if (!existsSync(resolve(root, source as string))) fail(`${at}.source ${JSON.stringify(source)} does not exist`)
    if (typeof name !== 'string' || !NAME.test(name)) {
      fail(`${at}.name must be a ScriptForge file name: a letter, then letters, digits, _ or -, no extension (e.g. "mcp"); got ${JSON.stringify(name)}`)
    }
    if (names.has(name as string)) fail(`${at}.name "${name as string}" is used twice; each entry needs its own ScriptForge file`)
    names.add(name as string)
  })
  return config as unknown as CxConfig
}

/** Reads and validates `cx.config.json` of the project. */
export function loadConfig (root = ROOT): CxConfig {
  const file = resolve(root, 'cx.config.json')
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw new ConfigError('cx.config.json', `not found at ${file}; it lists what to build (see README)`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new ConfigError('cx.config.json', `is not valid JSON: ${(error as Error).message}`)
  }
  return validateConfig(parsed, 'cx.config.json', root)
}
