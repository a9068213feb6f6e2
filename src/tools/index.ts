import type { ToolDefinition } from '../lib/defineTool'
import { getAiAgentLogs } from './getAiAgentLogs'
import { getRtpServerGroups } from './getRtpServerGroups'
import { getSipTrace } from './getSipTrace'
import { getTranscription } from './getTranscription'
import { listRtpServers } from './listRtpServers'
import { searchCallLogs } from './searchCallLogs'
import { searchCdr } from './searchCdr'

/** Every tool the server offers, in the order clients list them. */
export const tools: readonly ToolDefinition[] = [
  searchCallLogs,
  searchCdr,
  getSipTrace,
  getTranscription,
  getAiAgentLogs,
  getRtpServerGroups,
  listRtpServers
]
