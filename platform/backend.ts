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

/** How a call may be cut short by its caller. */
export interface ApiCallOptions {
  /**
   * Aborted when the caller no longer waits: the QuickJS host aborts a run's calls when the run
   * ends (the script's own timer gave up, or the run finished), so that no socket is left open.
   */
  signal?: AbortSignal
}

/** Something that answers API calls. */
export type ApiBackend = (request: ApiRequest, options?: ApiCallOptions) => Promise<ApiResponse>
