import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

/**
 * Secrets and settings for live mode, from the environment and the project's `.env` / `cx.env`
 * (the files the `cx` CLI writes). The files are read by hand, as dotenv reads them: `KEY=value`
 * lines, `#` comments, optional `export `, single or double quotes. A variable set in the
 * environment wins, even when empty (so a test or a shell can hide a file's value); then `.env`;
 * then `cx.env`. Nothing here is ever logged.
 */

/** The files read, in order of precedence. */
export const ENV_FILES = ['.env', 'cx.env'] as const

/** Parses the text of an env file. */
export function parseEnv (text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line)
    if (m === null) continue
    let value = m[2]!
    const quote = value[0]
    if ((quote === '"' || quote === '\'') && value.lastIndexOf(quote) > 0) {
      value = value.slice(1, value.lastIndexOf(quote))
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"')
    } else {
      // An unquoted value ends at a comment.
      value = value.replace(/\s+#.*$/, '').trim()
    }
    out[m[1]!] = value
  }
  return out
}

function readEnvFile (path: string): Record<string, string> {
  try {
    return parseEnv(readFileSync(path, 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
}

/** The variables of `dir`'s `.env` and `cx.env`, under the real environment. */
export function loadEnv (dir: string, env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const files = ENV_FILES.toReversed().map(name => readEnvFile(resolve(dir, name)))
  return Object.assign({}, ...files, env)
}
