import type { ApiBackend } from '../../platform/backend'
import type { ToolDefinition } from '../../src/lib/defineTool'
import { bundleClient, installBridge, runInNode } from '../helpers/platform'

/** A tool's answer: the parsed result, whether it is a tool error, and its size in bytes. */
export interface Answer {
  result: Record<string, any>
  isError: boolean
  bytes: number
}

/** Calls tools one way: the TypeScript modules in Node, or the built bundle in QuickJS. */
export interface Runner {
  name: string
  call (tool: ToolDefinition, args: Record<string, unknown>): Promise<Answer>
}

/** Runs tools in Node, against `backend`. */
export function nodeRunner (backend: ApiBackend): Runner {
  return {
    name: 'Node',
    async call (tool, args) {
      installBridge(backend)
      process.env.API_USERNAME = 'test@example.com'
      return await runInNode(tool, args)
    }
  }
}

/** Runs tools through `main(data)` of dist/mcp.js in QuickJS, against `backend`. */
export function bundleRunner (backend: ApiBackend): Runner {
  const client = bundleClient(backend)
  return {
    name: 'QuickJS',
    async call (tool, args) {
      const response = await client.rpc('tools/call', { name: tool.name, arguments: args })
      if (response.error !== undefined) throw new Error(`JSON-RPC error ${JSON.stringify(response.error)}`)
      const text = response.result.content[0].text as string
      return { result: JSON.parse(text) as Record<string, any>, isError: response.result.isError === true, bytes: Buffer.byteLength(text) }
    }
  }
}

/** Both ways, so that every expectation holds for what is deployed as for the sources. */
export function bothRunners (backend: ApiBackend): Runner[] {
  return [nodeRunner(backend), bundleRunner(backend)]
}
