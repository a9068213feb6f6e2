import type { ToolDefinition } from '../lib/defineTool'
import { getAiAgentLogs } from './getAiAgentLogs'
import { getCallAnalytics } from './getCallAnalytics'
import { getCallQuality } from './getCallQuality'
import { getRtpServerGroups } from './getRtpServerGroups'
import { getSipTrace } from './getSipTrace'
import { getSwitchHealthReport } from './getSwitchHealthReport'
import { getTranscription } from './getTranscription'
import { investigateCall } from './investigateCall'
import { listRtpServers } from './listRtpServers'
import { searchCallLogs } from './searchCallLogs'
import { searchCdr } from './searchCdr'

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
  listRtpServers
]
