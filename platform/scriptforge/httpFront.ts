import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SUPPORTED_PROTOCOL_VERSIONS } from './builtins/cxMcpServer'
import type { ScriptForgeHost } from './host'
import { answerMessage, isRefusal, parseBody, rpcError, type BundleFile } from './mcpEndpoint'

/**
 * The MCP Streamable HTTP front (2025-03-26, 2025-06-18, 2025-11-25), stateless like ScriptForge:
 * every POST carries one message and gets a JSON answer; there are no sessions and no
 * server-initiated stream (GET is 405). It listens on 127.0.0.1 only and refuses foreign Origin
 * and Host headers, the DNS-rebinding defence the spec requires of local servers.
 */

/** Where the MCP endpoint lives on the local server. */
export const MCP_PATH = '/mcp'

const MAX_BODY_BYTES = 1_048_576
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

/** Options of the HTTP front. */
export interface HttpFrontOptions {
  host: ScriptForgeHost
  bundle: BundleFile
  /** 0 picks a free port. */
  port: number
  /** One line per request and per script log. */
  log: (line: string) => void
}

/** A running HTTP front. */
export interface HttpFront {
  server: Server
  url: string
  close (): Promise<void>
}

function hostnameOf (value: string): string | undefined {
  try {
    return new URL(value.includes('://') ? value : `http://${value}`).hostname
  } catch {
    return undefined
  }
}

function send (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers).end()
    return
  }
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body))
}

async function readBody (req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) return undefined
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

async function handle (options: HttpFrontOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]
  if (path !== MCP_PATH) return send(res, 404, { error: `Not found: the MCP endpoint is ${MCP_PATH}` })

  const origin = req.headers.origin
  if (origin !== undefined && !LOCAL_HOSTS.has(hostnameOf(origin) ?? '')) {
    return send(res, 403, rpcError(null, -32600, `Forbidden: Origin ${origin} is not allowed; this local server only accepts localhost origins`))
  }
  const hostHeader = req.headers.host
  if (hostHeader !== undefined && !LOCAL_HOSTS.has(hostnameOf(hostHeader) ?? '')) {
    return send(res, 403, rpcError(null, -32600, `Forbidden: Host ${hostHeader} is not allowed; connect to 127.0.0.1 or localhost`))
  }
  if (req.method !== 'POST') {
    // No server-initiated stream and no sessions: the spec's answer is 405.
    return send(res, 405, rpcError(null, -32600, `Method ${req.method ?? ''} not allowed: POST one JSON-RPC message to ${MCP_PATH}`), { Allow: 'POST' })
  }
  const contentType = req.headers['content-type']
  if (contentType !== undefined && !/^application\/json\b/i.test(contentType)) {
    return send(res, 415, rpcError(null, -32600, `Unsupported Content-Type ${contentType}: send application/json`))
  }
  const version = req.headers['mcp-protocol-version']
  if (typeof version === 'string' && !(SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(version)) {
    return send(res, 400, rpcError(null, -32600, `Unsupported MCP-Protocol-Version ${version}; this server speaks ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`))
  }

  const text = await readBody(req)
  if (text === undefined) return send(res, 413, rpcError(null, -32600, `Request body larger than ${MAX_BODY_BYTES} bytes`))
  const parsed = parseBody(text)
  if ('error' in parsed) {
    options.log('POST /mcp parse error → 400')
    return send(res, 400, parsed.error)
  }
  const answer = await answerMessage(options.host, options.bundle, parsed.message)
  // Notifications and responses are accepted without a body; a message that is neither a request
  // nor one of those (a response with both result and error, a bad id) is refused with 400.
  const status = answer.response === null ? 202 : isRefusal(answer.response) ? 400 : 200
  options.log(`POST ${MCP_PATH} ${answer.what} → ${status} (${answer.ms} ms)`)
  if (answer.response === null) return send(res, 202)
  send(res, status, answer.response)
}

/** Starts the HTTP front on 127.0.0.1. */
export function startHttpFront (options: HttpFrontOptions): Promise<HttpFront> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      options.log(`internal error: ${(error as Error).stack ?? String(error)}`)
      if (!res.headersSent) send(res, 500, rpcError(null, -32603, 'Internal error in the local platform'))
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        server,
        url: `http://127.0.0.1:${port}${MCP_PATH}`,
        close: () => new Promise(done => server.close(() => done()))
      })
    })
  })
}
