import { connexcs, type Connexcs } from '../connexcs/client'
import type { ToolContext } from './context'

/**
 * The context of one request: the clock and the app's variables read once, the API client made
 * when first used. It lives beside the tools' code (not in the MCP front), so that the front that
 * every request compiles holds no API client, and the client a tool gets is of the same build as
 * the tool's own error classes.
 */
export function requestContext (): ToolContext {
  const nowMs = Date.now()
  let api: Connexcs | undefined
  return {
    nowMs,
    env: process.env,
    // Made on first use, so that a missing API_USERNAME is a tool error of the call that needs it.
    get api () {
      api ??= connexcs()
      return api
    }
  }
}
