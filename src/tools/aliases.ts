/**
 * The existing JavaScript server's tool names and parameter names, kept working: users have
 * prompts, tests and habits built on them. Each old name answers through the tool that does its
 * job now; aliases are not listed in `tools/list` (they would cost every client context), only
 * in the README.
 */

/** How one old tool name reaches the tool that does its job now. */
export interface ToolAlias {
  /** The tool that answers. */
  tool: string
  /** Old parameter name → new parameter name, for the names the tool does not know itself. */
  params?: Readonly<Record<string, string>>
  /** Adjusts values whose meaning changed (after the renames). */
  convert?: (args: Record<string, unknown>) => Record<string, unknown>
}

/** A page size the old tool accepted beyond the new page's maximum: the new tool pages the rest. */
function capLimit (max: number) {
  return (args: Record<string, unknown>): Record<string, unknown> =>
    typeof args.limit === 'number' && args.limit > max ? { ...args, limit: max } : args
}

/**
 * Old tool name → how it is answered. A name that is also today's tool only translates its old
 * parameter names. Names whose tools are not built yet are not mapped: they answer as unknown.
 */
export const ALIASES: Readonly<Record<string, ToolAlias>> = {
  // `dst` was an exact dialled number in both.
  searchCdr: { tool: 'searchCdr', params: { dst: 'dest_number' }, convert: capLimit(50) },
  // getCallAnalytics had no prefix filter: its exact number is the longest prefix of itself.
  getCallAnalytics: { tool: 'getCallAnalytics', params: { dst: 'dest_prefix' } },
  listRtpServers: { tool: 'listRtpServers', params: { geozone: 'zone' } },
  // Same name and parameters; its limit went to 100, a page here holds 25 (next_cursor has the rest).
  searchDocumentation: { tool: 'searchDocumentation', convert: capLimit(25) }
}

/**
 * The tool and arguments an old-style call means: renames the old parameters a tool does not
 * know itself, then converts values. A new name with new parameters comes back unchanged.
 */
export function resolveAlias (
  name: string,
  args: Record<string, unknown>,
  known: (tool: string) => readonly string[] | undefined
): { name: string, args: Record<string, unknown> } {
  const alias = ALIASES[name]
  if (alias === undefined) return { name, args }
  const params = known(alias.tool) ?? []
  // A Map, then own properties: keys such as `__proto__` stay plain keys.
  const out = new Map<string, unknown>()
  for (const [key, value] of Object.entries(args)) {
    const old = Object.hasOwn(alias.params ?? {}, key) && !params.includes(key)
    const to = old ? alias.params![key]! : key
    // A new name given as well wins over its old spelling.
    if (!old || !out.has(to)) out.set(to, value)
  }
  const renamed = Object.fromEntries(out)
  return { name: alias.tool, args: alias.convert === undefined ? renamed : alias.convert(renamed) }
}
