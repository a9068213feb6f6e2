import { apiBaseUrl } from '../connexcs/apiText'
import { MAX_BODY_CHARS, runScriptFunctionStreamed } from '../connexcs/scriptForge'
import { defineTool } from '../lib/defineTool'
import { invalidArgument, ToolError } from '../lib/errors'
import { plural } from '../lib/format'
import { clip } from '../lib/records'
import type { ToolResult } from '../lib/result'

/**
 * Running a function of one of the account's ScriptForge scripts: opt-in, because it runs code
 * that may change things. The app's variable `MCP_RUNNABLE_SCRIPTS` lists what may run
 * (`reports, tools:add, tools:sub`: a script alone allows any of its functions, `script:function`
 * that one only); without it the tool is not registered at all (mcp.ts). The server's own files
 * never run through it: `mcp`, the files it loads on demand (`mcpGetSipTrace`, `mcpPrompts`, …),
 * `selfTest` and the file serving the request.
 */

/** Files that are never runnable, whatever the list says: this server and its self-test. */
export const NEVER_RUNNABLE: readonly string[] = ['mcp', 'selfTest']

/** Whether a file is this server's own: an entry, or a part the front loads on demand (`mcp` + a capital). */
export function isOwnFile (name: string): boolean {
  return NEVER_RUNNABLE.includes(name) || /^mcp[A-Z]/.test(name)
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/
const FUNCTION = /^[A-Za-z_$][\w$]{0,63}$/

/** One runnable script: any function, or only those listed. */
export interface RunnableScript {
  script: string
  functions: 'any' | string[]
}

/** What `MCP_RUNNABLE_SCRIPTS` allows, and the entries it ignores with why. */
export interface RunnableList {
  scripts: RunnableScript[]
  ignored: string[]
}

/**
 * Reads `MCP_RUNNABLE_SCRIPTS`: names separated by commas, semicolons or spaces, each a script
 * (any function) or `script:function`. `mcp`, `selfTest` and the running file
 * (`SCRIPTFORGE_NAME`) are ignored, as are malformed entries, each with why.
 */
export function runnableScripts (env: Readonly<Record<string, string | undefined>> = {}): RunnableList {
  const never = new Set([...NEVER_RUNNABLE, ...(env.SCRIPTFORGE_NAME === undefined || env.SCRIPTFORGE_NAME === '' ? [] : [env.SCRIPTFORGE_NAME])])
  const byScript = new Map<string, RunnableScript>()
  const ignored: string[] = []
  for (const entry of (env.MCP_RUNNABLE_SCRIPTS ?? '').split(/[\s,;]+/).filter(e => e !== '')) {
    const [script = '', fn, ...extra] = entry.split(':')
    if (!NAME.test(script) || extra.length > 0 || (fn !== undefined && !FUNCTION.test(fn))) {
      ignored.push(`${clip(entry, 70)}: not a script or script:function`)
      continue
    }
    if (never.has(script) || isOwnFile(script)) {
      ignored.push(`${script}: this MCP server's own file, never runnable through it`)
      continue
    }
    const known = byScript.get(script) ?? { script, functions: [] }
    if (fn === undefined) known.functions = 'any'
    else if (known.functions !== 'any' && !known.functions.includes(fn)) known.functions.push(fn)
    byScript.set(script, known)
  }
  return { scripts: [...byScript.values()], ignored }
}

/** `reports (any function), tools (add, sub)`. */
function describeList (list: RunnableList): string {
  return list.scripts.map(s => `${s.script} (${s.functions === 'any' ? 'any function' : s.functions.join(', ')})`).join(', ')
}

/** The refusal of a script or function the list does not allow, with the list. */
function refusal (list: RunnableList, script: string, fn: string): ToolError {
  const allowed = list.scripts.find(s => s.script === script)
  const own = isOwnFile(script) ? ` ${script} is this MCP server's own file, which never runs through this tool.` : ''
  if (allowed === undefined) {
    return invalidArgument('script', `script ${JSON.stringify(clip(script, 64))} is not runnable here.${own} MCP_RUNNABLE_SCRIPTS allows: ${describeList(list)}`)
  }
  return invalidArgument('function', `${script}.${fn} is not runnable here; of ${script}, MCP_RUNNABLE_SCRIPTS allows ` +
    `${(allowed.functions as string[]).join(', ')}. Runnable: ${describeList(list)}`)
}

/** The function's argument from its JSON text. */
function parseBody (text: string | undefined): unknown {
  if (text === undefined) return {}
  try {
    return JSON.parse(text)
  } catch (error) {
    throw invalidArgument('body', `body must be JSON text, e.g. {"customer_id": 42}; it does not parse: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** What the result is, in a few words. */
function shapeOf (value: unknown): string {
  if (value === null || value === undefined) return 'nothing'
  if (Array.isArray(value)) return `an array of ${plural(value.length, 'item')}`
  if (typeof value === 'object') return `an object (${plural(Object.keys(value).length, 'key')})`
  if (typeof value === 'string') return `text (${plural(value.length, 'character')})`
  return `${typeof value} ${String(value)}`
}

/** `runScriptForgeFunction`: runs an allowed function of a ScriptForge script of the account. */
export const runScriptForgeFunction = defineTool({
  name: 'runScriptForgeFunction',
  title: 'Run a ScriptForge function',
  description: 'Run a function of one of the account\'s ScriptForge scripts ON the ConnexCS platform: this executes code, which ' +
    'may change things. Only the scripts the app allows (MCP_RUNNABLE_SCRIPTS); leave script out to list them. Sends body ' +
    '(JSON text) as the function\'s argument; returns its result and console output, bounded.',
  example: 'Run the reports script\'s monthlyInvoices function for November.',
  readOnly: false,
  // The account's functions may change or delete anything the API lets them: clients ask first.
  destructive: true,
  // Listing what may run runs nothing.
  selfTest: { args: () => ({}), expect: { runnable: 'array' } },
  params: {
    script: { type: 'string', description: 'The ScriptForge file to run, by name, as MCP_RUNNABLE_SCRIPTS lists it; leave out to list what may run.', maxLength: 64 },
    function: { type: 'string', description: 'The exported function to call (default main).', default: 'main', maxLength: 64 },
    body: { type: 'string', description: 'The function\'s argument as JSON text, e.g. {"month": "2026-11"} (default {}).', maxLength: MAX_BODY_CHARS }
  },
  async handler ({ script, function: fn, body }, ctx): Promise<ToolResult> {
    const env = ctx.env ?? {}
    const list = runnableScripts(env)
    if (list.scripts.length === 0) {
      throw new ToolError('configuration', 'No ScriptForge script is runnable: set the app\'s variable MCP_RUNNABLE_SCRIPTS to the scripts (or script:function pairs) this tool may run.')
    }
    const appId = env.APP_ID
    if (script === undefined) {
      return {
        summary: `This server may run ${plural(list.scripts.length, 'ScriptForge script')}${appId === undefined ? '' : ` of app ${appId}`}: ${describeList(list)}. ` +
          'Give script (and function, body) to run one.',
        runnable: list.scripts,
        ...(list.ignored.length === 0 ? {} : { ignored: list.ignored }),
        next_steps: []
      }
    }
    const allowed = list.scripts.find(s => s.script === script)
    if (allowed === undefined || (allowed.functions !== 'any' && !allowed.functions.includes(fn))) throw refusal(list, script, fn)
    if (appId === undefined || appId.trim() === '') {
      throw new ToolError('configuration', 'APP_ID is not set: ScriptForge sets it for the files of an app (npm start sets it locally); the run needs the app\'s id.')
    }
    const argument = parseBody(body)
    const run = await runScriptFunctionStreamed(ctx.api, { appId, script, fn, body: argument }, { baseUrl: apiBaseUrl(env) })
    const lines = run.console === undefined ? '' : `; ${plural(run.console.length + (run.console_omitted ?? 0), 'console line')}`
    const outcome = run.ok
      ? 'unreadable' in run ? `it answered something cxRest cannot read (${run.unreadable})` : `it returned ${shapeOf(run.value)}`
      : `it failed: ${clip(run.error, 200)}`
    return {
      summary: `Ran ${script}.${fn} on the platform (app ${appId}): ${outcome}${lines}.`,
      script,
      function: fn,
      app_id: appId,
      ok: run.ok,
      ...(run.ok ? ('unreadable' in run ? { unreadable: run.unreadable } : { result: run.value ?? null }) : { error: run.error, ...(run.status === undefined ? {} : { status: run.status }) }),
      ...(run.console === undefined ? {} : { console: run.console }),
      ...(run.console_omitted === undefined ? {} : { console_omitted: run.console_omitted }),
      ...(run.console_note === undefined ? {} : { console_note: run.console_note }),
      next_steps: []
    }
  }
})
