import { runnableScripts } from './runScriptForgeFunction'

/**
 * When each opt-in tool is registered, by its name: the MCP front reads this without loading the
 * tools' code (the on-demand build keeps only what these rules use of the tool's module).
 */
export const OPT_IN: Readonly<Record<string, (env: Readonly<Record<string, string | undefined>>) => boolean>> = {
  runScriptForgeFunction: env => runnableScripts(env).scripts.length > 0
}
