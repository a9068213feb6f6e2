/**
 * The documentation pages this server knows by path and title. The docs API has a search
 * (`docs?s=`) and a page endpoint (`docs/<path>`) but no list of pages, and `resources/list` needs
 * one that does not depend on a query: this is it, committed. It is the pages the tools, the
 * prompts and the findings talk about (NAT traversal, routing, rate cards, DIDs, SIP codes, RTP
 * zones, ScriptForge, JWT tokens, AI agents); on the simulated switch it is the whole corpus (a
 * test keeps the two equal), and on ConnexCS `searchDocumentation` reaches every other page.
 */

/** One known page: its path (as `docs/<path>` takes it) and its title. */
export interface IndexedDoc {
  path: string
  title: string
}

const PAGES: readonly (readonly [path: string, title: string])[] = [
  ['apps/ai-agent', 'AI Agent'],
  ['apps/ai-agent-debugging', 'Debugging AI Agent Calls'],
  ['apps/ai-agent-tools', 'AI Agent Tools and Functions'],
  ['apps/mcp-server', 'AI Assistants over MCP'],
  ['card/billing', 'Connect Fee, Pulse and Minimum Duration'],
  ['card/building', 'Building Rate Cards'],
  ['card/longest-prefix', 'Prefixes and Longest-Prefix Matching'],
  ['card/profit-assurance', 'Profit Assurance and Margins'],
  ['card/revisions', 'Rate Card Revisions'],
  ['customer/auth', 'Customer Authentication'],
  ['customer/cdr', 'Call Detail Records'],
  ['customer/class5', 'Class 5 Features: IVR, Voicemail, Queues and AI Agents'],
  ['customer/credit-control', 'Credit Control and Balance'],
  ['customer/customer', 'Customers'],
  ['customer/did', 'DIDs'],
  ['customer/packages', 'Packages and Bundles'],
  ['customer/payments', 'Payments and Top-ups'],
  ['developers/api', 'The Control Panel REST API'],
  ['developers/environment-variables', 'App Environment Variables'],
  ['developers/jwt', 'API Access with JWT Tokens'],
  ['developers/scriptforge', 'ScriptForge: Apps, Files and Functions'],
  ['developers/scriptforge-run', 'Running ScriptForge Functions over the API'],
  ['did/billing', 'DID Billing'],
  ['did/inbound-routing', 'Routing Inbound Calls on a DID'],
  ['did/provisioning', 'Buying, Porting and Releasing DIDs'],
  ['did/troubleshooting', 'Troubleshooting DID Calls'],
  ['guides/call-disconnection-reasons', 'Who Hung Up: Disconnection and Release Reasons'],
  ['guides/codecs', 'Codecs and Transcoding'],
  ['guides/fraud', 'Fraud Prevention: IRSF, Wangiri and Traffic Pumping'],
  ['guides/fraud-controls', 'Fraud Controls and Spending Limits'],
  ['guides/kpis', 'ASR, ACD, NER and PDD: Traffic Quality KPIs'],
  ['guides/nat-traversal', 'NAT Traversal: Far-End NAT, Private Addresses and SIP ALG'],
  ['guides/q850-causes', 'Q.850 Cause Codes and Release Reasons'],
  ['guides/sip-response-codes', 'SIP Response Codes'],
  ['guides/sip-traces', 'Reading a SIP Trace (C-Trace)'],
  ['guides/tshoot-audio', 'Troubleshooting Audio Quality and One-Way Audio'],
  ['guides/tshoot-guide', 'A Call Debugging Checklist'],
  ['guides/tshoot-signal', 'Troubleshooting Call Signalling'],
  ['logging', 'Logging and SIP Traces'],
  ['report/breakout', 'Breakout Report: ASR, ACD and Profit'],
  ['routing', 'Routing'],
  ['routing/failover', 'Carrier Failover and Reroute Codes'],
  ['routing/strategies', 'Routing Strategies: LCR, Priority and Quality'],
  ['setup/rtp', 'Media Servers and Zones']
]

/** Every known page, sorted by path. */
export const DOC_INDEX: readonly IndexedDoc[] = PAGES.map(([path, title]) => ({ path, title }))

const TITLES = new Map(PAGES.map(([path, title]) => [path, title]))

/** The title of a known page, or undefined. */
export function indexedTitle (path: string): string | undefined {
  return TITLES.get(path)
}
