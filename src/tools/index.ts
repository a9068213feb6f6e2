import type { ToolDefinition } from '../lib/defineTool'
import { getRtpServerGroups } from './getRtpServerGroups'
import { getSipTrace } from './getSipTrace'
import { searchCallLogs } from './searchCallLogs'

/** Every tool the server offers, in the order clients list them. */
export const tools: readonly ToolDefinition[] = [
  searchCallLogs,
  getSipTrace,
  getRtpServerGroups
]
