import type { ToolMetadata } from './lib/defineTool'
import { paramsOf, rpcError, rpcResult, type Message, type Response } from './lib/rpc'
import { PromptError, PROMPTS, renderPrompt, toolCatalog } from './prompts'

/**
 * The MCP front's `prompts/*` (the platform has no prompt API), loaded with the prompts when such
 * a request comes: no other request compiles them.
 */

/** `prompts/list`: the prompts, one page. */
export function listPrompts (message: Message): Response {
  const params = paramsOf(message)
  if (params === undefined) return rpcError(message.id, -32602, 'Invalid params: "params" must be an object')
  if (params.cursor !== undefined) return rpcError(message.id, -32602, 'prompts/list: invalid cursor (the list has a single page)')
  return rpcResult(message.id, {
    prompts: PROMPTS.map(p => ({ name: p.name, title: p.title, description: p.description, arguments: p.arguments.map(a => ({ ...a })) }))
  })
}

/**
 * `prompts/get`: one prompt's text for its arguments, naming only the tools the server registers
 * (`tools`); a bad name or argument is -32602.
 */
export function getPrompt (message: Message, tools: readonly ToolMetadata[]): Response {
  const params = paramsOf(message)
  if (params === undefined || typeof params.name !== 'string') return rpcError(message.id, -32602, 'prompts/get: params.name must be a string')
  const catalog = toolCatalog(Object.fromEntries(tools.map(t => [t.name, Object.keys(t.params)])))
  try {
    const prompt = renderPrompt(params.name, params.arguments ?? {}, catalog)
    return rpcResult(message.id, { description: prompt.description, messages: [{ role: 'user', content: { type: 'text', text: prompt.text } }] })
  } catch (error) {
    if (error instanceof PromptError) return rpcError(message.id, -32602, error.message)
    throw error
  }
}
