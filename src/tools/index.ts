import type { ToolDefinition } from '../lib/defineTool'
import { getAiAgentLogs } from './getAiAgentLogs'
import { getCallAnalytics } from './getCallAnalytics'
import { getCallQuality } from './getCallQuality'
import { getCustomer } from './getCustomer'
import { getProfitability } from './getProfitability'
import { getRateCard } from './getRateCard'
import { getDocumentation } from './getDocumentation'
import { getRtpServerGroups } from './getRtpServerGroups'
import { getSipTrace } from './getSipTrace'
import { getSwitchHealthReport } from './getSwitchHealthReport'
import { getTranscription } from './getTranscription'
import { investigateCall } from './investigateCall'
import { listRtpServers } from './listRtpServers'
import { lookupRate } from './lookupRate'
import { searchCarriers } from './searchCarriers'
import { searchCustomers } from './searchCustomers'
import { OPT_IN } from './optIn'
import { runScriptForgeFunction } from './runScriptForgeFunction'
import { searchCallLogs } from './searchCallLogs'
import { searchCdr } from './searchCdr'
import { searchDocumentation } from './searchDocumentation'

/** Every tool the server offers, in the order clients list them. */
export const tools: readonly ToolDefinition[] = [
  searchCallLogs,
  searchCdr,
  getCallAnalytics,
  getSwitchHealthReport,
  investigateCall,
  getSipTrace,
  getCallQuality,
  getTranscription,
  getAiAgentLogs,
  getRtpServerGroups,
  listRtpServers,
  searchCustomers,
  getCustomer,
  searchCarriers,
  getRateCard,
  lookupRate,
  getProfitability,
  searchDocumentation,
  getDocumentation
]

/** A tool registered only when the app's environment turns it on. */
export interface OptInTool {
  tool: ToolDefinition
  /** Whether the app's variables turn it on. */
  enabled (env: Readonly<Record<string, string | undefined>>): boolean
}

/** Tools that change things: off unless the app asks for them (mcp.ts registers them after the others). */
export const optInTools: readonly OptInTool[] = [
  { tool: runScriptForgeFunction, enabled: OPT_IN.runScriptForgeFunction! }
]
