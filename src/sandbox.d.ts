/**
 * Globals that ScriptForge adds to the bare QuickJS sandbox and that `src/` may use.
 *
 * Only `src/tsconfig.json` includes this file: it stands in for Node's types there, so that
 * `npm run typecheck` rejects a slip such as `Buffer`, `Intl` or `structuredClone` in deployed code.
 * The rest of the project is checked with Node's own declarations, which cover the same names.
 */

interface Console {
  log (...args: unknown[]): void
  info (...args: unknown[]): void
  warn (...args: unknown[]): void
  error (...args: unknown[]): void
  debug (...args: unknown[]): void
}

declare const console: Console

/** The app's environment variables, as strings. */
declare const process: { env: Record<string, string | undefined> }

declare function setTimeout (callback: () => void, ms?: number): number
declare function clearTimeout (handle: number | undefined): void
