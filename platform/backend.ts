/**
 * The contract between `cxRest` and whatever answers it: the simulated switch in-process, the
 * switch over HTTP, or the live ConnexCS API. Paths are relative to `/api/cp/`.
 */

/** One API call, as `cxRest` makes it. */
export interface ApiRequest {
  /** The `API_USERNAME` the script authenticated as. */
  user: string
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Relative to `/api/cp/`, query string included, e.g. `log/trace?callid=abc`. */
  path: string
  body?: unknown
  /** The Accept header, when the caller set one (`fetch` may; `cxRest` never does). */
  accept?: string
}

/** The answer, with the body as text (JSON or not, as the API sent it). */
export interface ApiResponse {
  status: number
  statusText: string
  body: string
  retryAfter?: string
  /** The Content-Type, when it is not JSON (markdown, an event stream). */
  contentType?: string
}

/** Something that answers API calls. */
export type ApiBackend = (request: ApiRequest) => Promise<ApiResponse>
