import type { ToolContext } from './lib/context'
import { runTool, type ToolDefinition, type ToolMetadata } from './lib/defineTool'
import { requestContext } from './lib/requestContext'
import * as prompts from './frontPrompts'
import * as resources from './frontResources'
import { optInTools, tools } from './tools/index'

/**
 * How the MCP front gets at the code behind its tools, prompts and resources (README,
 * "Architecture"). This module is what Node and the one-file build use: every tool is here
 * already. The on-demand build (`scripts/lib/bundle.ts`, `"loading": "lazy"`) replaces it with
 * the tools' metadata as one JSON string and an `import()` of each tool's own file, so that a
 * request compiles the front and the metadata, and a tool's code only when it is called.
 */

/** Which build this is: `one file` (every tool compiled on every request) or `on demand`. */
export const LOADING: 'one file' | 'on demand' = 'one file'

/** Every tool, the opt-in ones too, as the front sees them: metadata only. */
export const CATALOG: readonly ToolMetadata[] = [...tools, ...optInTools.map(o => o.tool)]

/** A tool's code, as its file exports it: the tool, and how to run it with a context of its own build. */
export interface ToolCode {
  tool: ToolDefinition
  runTool: typeof runTool
  requestContext: () => ToolContext
}

/** The front's `prompts/*`, with the prompts. */
export type PromptsModule = typeof prompts

/** The front's `resources/*`, with the resources (and a request context of their own build). */
export type ResourcesModule = typeof resources

const byName = new Map(CATALOG.map(t => [t.name, t as ToolDefinition]))

/** The code of one tool of the catalog. */
export function loadTool (name: string): Promise<ToolCode> {
  const tool = byName.get(name)
  return tool === undefined ? Promise.reject(new Error(`no tool named ${name}`)) : Promise.resolve({ tool, runTool, requestContext })
}

/** The prompts (`prompts/*` only). */
export function loadPrompts (): Promise<PromptsModule> {
  return Promise.resolve(prompts)
}

/** The resources (`resources/*` only). */
export function loadResources (): Promise<ResourcesModule> {
  return Promise.resolve(resources)
}
