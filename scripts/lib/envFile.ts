import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'

/**
 * `.env` and `cx.env` files, as the `cx` CLI and dotenv read them: `KEY=value` lines, values
 * optionally quoted, `#` comments. Changing a key rewrites only that key's line, so every other
 * key, comment and blank line stays as it was (the `cx configure` pitfall we do not repeat).
 */

/** One assignment in the file: its key, value, and the lines it spans. */
interface Assignment {
  key: string
  value: string
  /** First and last line index (a double-quoted value may span lines). */
  start: number
  end: number
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' }

/** Where a quoted value closes: the index of the closing quote in `text`, or -1. */
function closingQuote (text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++
    else if (text[i] === quote) return i
  }
  return -1
}

function assignments (text: string): Assignment[] {
  const lines = text.split(/\r?\n/)
  const found: Assignment[] = []
  for (let i = 0; i < lines.length; i++) {
    const match = ASSIGNMENT.exec(lines[i]!)
    if (match === null) continue
    const key = match[1]!
    const rest = match[2]!
    const quote = rest[0]
    if (quote === '"' || quote === '\'' || quote === '`') {
      // A quoted value ends at its closing quote, which may be on a later line.
      let body = rest.slice(1)
      let end = i
      let close = closingQuote(body, quote)
      while (close < 0 && end + 1 < lines.length) {
        end++
        body += '\n' + lines[end]!
        close = closingQuote(body, quote)
      }
      if (close < 0) {
        // No closing quote anywhere: read the line as an unquoted value, as dotenv does.
        found.push({ key, value: rest.trim(), start: i, end: i })
        continue
      }
      const raw = body.slice(0, close)
      const value = quote === '"' ? raw.replace(/\\(.)/g, (all, c: string) => ESCAPES[c] ?? all) : raw
      found.push({ key, value, start: i, end })
      i = end
    } else {
      found.push({ key, value: rest.replace(/\s+#.*$/, '').trim(), start: i, end: i })
    }
  }
  return found
}

/** The keys and values of an env file's text; a key set twice takes its last value. */
export function parseEnv (text: string): Record<string, string> {
  const values: Record<string, string> = {}
  for (const a of assignments(text)) values[a.key] = a.value
  return values
}

/** A key to set, and whether its value is written in double quotes (as `cx` writes the token). */
export interface EnvUpdate {
  key: string
  value: string
  quoted?: boolean
}

function line ({ key, value, quoted }: EnvUpdate): string {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) throw new Error(`${key} is not a valid environment variable name`)
  if (quoted === true || /[\s#"'`\\=]/.test(value) || value === '') {
    return `${key}="${value.replace(/[\\"]/g, c => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`
  }
  return `${key}=${value}`
}

/**
 * The text with each update applied: a key that is there has its (last) assignment replaced in
 * place; a new key is appended. Nothing else changes.
 */
export function updateEnvText (text: string, updates: EnvUpdate[]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const lines = text === '' ? [] : text.split(/\r?\n/)
  if (text.endsWith('\n')) lines.pop()
  const appended: string[] = []
  for (const update of updates) {
    const last = assignments(lines.join('\n')).filter(a => a.key === update.key).at(-1)
    if (last === undefined) appended.push(line(update))
    else lines.splice(last.start, last.end - last.start + 1, line(update))
  }
  return [...lines, ...appended].join(eol) + eol
}

/** The values of an env file, `{}` when it does not exist. */
export function readEnvFile (path: string): Record<string, string> {
  return existsSync(path) ? parseEnv(readFileSync(path, 'utf8')) : {}
}

/** Applies updates to an env file (creating it), readable by its owner only: it holds a token. */
export function updateEnvFile (path: string, updates: EnvUpdate[]): void {
  const before = existsSync(path) ? readFileSync(path, 'utf8') : ''
  writeFileSync(path, updateEnvText(before, updates), { mode: 0o600 })
  chmodSync(path, 0o600)
}
