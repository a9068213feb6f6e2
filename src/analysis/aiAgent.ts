/**
 * An AI agent's log for one call (`log/ai-agent`): each step with its time and kind, and what an
 * engineer asks first: which agent, which tools or functions it called, and how long each took.
 * Field names vary between API versions, so each fact is read under the spellings seen.
 */
import { clip, pick } from '../lib/records'

/** One step of the agent: speech heard, a reply, a tool or function call, an error. */
export interface AiAgentStep {
  time: unknown
  kind: unknown
  text: string
  /** The tool or function called, for a tool step. */
  tool?: string
  /** How long the step took (a reply's generation, a tool's call), ms. */
  latency_ms?: number
  agent?: string
}

/** A tool or function the agent called. */
export interface AiToolCall {
  name: string
  latency_ms: number | null
  time: unknown
}

/** The agent's work on the call, in short. */
export interface AiAgentSummary {
  /** The agent's name (the first one named), `null` when the log names none. */
  agent: string | null
  /** Every agent named, when more than one took part. */
  agents: string[]
  steps: number
  /** In call order, at most 20. */
  tools: AiToolCall[]
  tools_omitted: number
  /** Steps whose kind or text says error. */
  errors: number
  /** The slowest step with a latency, ms. */
  slowest_ms: number | null
}

const TOOL_KEYS = ['tool_name', 'tool', 'function_name', 'function', 'name']
const LATENCY_KEYS = ['latency_ms', 'latency', 'duration_ms', 'elapsed_ms']
const AGENT_KEYS = ['agent_name', 'agent']
const TEXT_KEYS = ['message', 'text', 'content', 'transcript']
const MAX_TOOLS = 20

function text (value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : undefined
}

/** Reads one entry of the log. */
export function aiAgentStep (entry: Record<string, unknown>, maxChars = 500): AiAgentStep {
  const kind = pick(entry, ['type', 'event', 'role', 'level'])
  const body = pick(entry, TEXT_KEYS)
  const latency = Number(pick(entry, LATENCY_KEYS))
  // `name` is a tool's name only on a tool step; an agent's entries may carry other names.
  const toolKeys = /tool|function/i.test(String(kind ?? '')) ? TOOL_KEYS : TOOL_KEYS.slice(0, 4)
  const tool = text(pick(entry, toolKeys))
  const agent = text(pick(entry, AGENT_KEYS))
  return {
    time: pick(entry, ['dt', 'date', 'time', 'ts', 'created_at']),
    kind,
    text: clip(typeof body === 'string' ? body : JSON.stringify(entry), maxChars),
    ...(tool === undefined ? {} : { tool }),
    ...(Number.isFinite(latency) && pick(entry, LATENCY_KEYS) !== undefined ? { latency_ms: latency } : {}),
    ...(agent === undefined ? {} : { agent })
  }
}

/** Summarises the steps: the agent, each tool call with its latency, errors, the slowest step. */
export function summariseAiAgent (steps: readonly AiAgentStep[]): AiAgentSummary {
  const agents = [...new Set(steps.map(s => s.agent).filter(a => a !== undefined))]
  const calls = steps.filter(s => s.tool !== undefined).map(s => ({ name: s.tool!, latency_ms: s.latency_ms ?? null, time: s.time }))
  const latencies = steps.map(s => s.latency_ms).filter(l => l !== undefined)
  return {
    agent: agents[0] ?? null,
    agents,
    steps: steps.length,
    tools: calls.slice(0, MAX_TOOLS),
    tools_omitted: Math.max(0, calls.length - MAX_TOOLS),
    errors: steps.filter(s => /error|fail/i.test(String(s.kind ?? ''))).length,
    slowest_ms: latencies.length === 0 ? null : Math.max(...latencies)
  }
}

/** `find_slots (820 ms), book_slot (640 ms)`: the tools called, in words. */
export function toolCallsText (tools: readonly AiToolCall[]): string {
  return tools.map(t => `${t.name}${t.latency_ms === null ? '' : ` (${Math.round(t.latency_ms)} ms)`}`).join(', ')
}
