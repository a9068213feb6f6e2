import type { ToolDefinition } from '../lib/defineTool'
import { getAiAgentLogs } from './getAiAgentLogs'
import { getCallAnalytics } from './getCallAnalytics'
import { getCallQuality } from './getCallQuality'
import { getCustomer } from './getCustomer'
import { getProfitability } from './getProfitability'
import { getRateCard } from './getRateCard'
import { getRtpServerGroups } from './getRtpServerGroups'
import { getSipTrace } from './getSipTrace'
import { getTranscription } from './getTranscription'
import { investigateCall } from './investigateCall'
import { listRtpServers } from './listRtpServers'
import { lookupRate } from './lookupRate'
import { searchCarriers } from './searchCarriers'
import { searchCustomers } from './searchCustomers'
import { searchCallLogs } from './searchCallLogs'
import { searchCdr } from './searchCdr'

/** Every tool the server offers, in the order clients list them. */
export const tools: readonly ToolDefinition[] = [
  searchCallLogs,
  searchCdr,
  getCallAnalytics,
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
  getProfitability
]
