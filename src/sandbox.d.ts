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

/** What `fetch` answers: the part of a Response that `src/` reads. */
interface FetchResponse {
  readonly status: number
  readonly ok: boolean
  readonly statusText: string
  readonly headers: { get (name: string): string | null }
  text (): Promise<string>
}

/**
 * ScriptForge's `fetch` (the local host's reaches the API base URL only, from the same backend as
 * `cxRest`). It may be missing from a sandbox: check `typeof fetch === 'function'` first.
 */
declare function fetch (url: string, init?: { method?: string, headers?: Record<string, string>, body?: string }): Promise<FetchResponse>
