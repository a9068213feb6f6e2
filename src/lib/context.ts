import type { Connexcs } from '../connexcs/client'

/**
 * What a tool handler depends on, handed to it by `mcp.ts` once per request (README, "Architecture"):
 * tools read no global client and no global clock, so a test passes its own and the local
 * platform's `--now` reaches every default date.
 */
export interface ToolContext {
  /** The ConnexCS API client. Reading it may throw a `configuration` ToolError (no API_USERNAME). */
  readonly api: Connexcs
  /** The request's clock, milliseconds since the epoch: the real time on ScriptForge, the switch's locally. */
  readonly nowMs: number
  /**
   * The app's environment variables, read once per request (on ScriptForge `process.env`). Absent
   * in a context that has none to give: a tool that needs one says it is not set.
   */
  readonly env?: Readonly<Record<string, string | undefined>>
}
