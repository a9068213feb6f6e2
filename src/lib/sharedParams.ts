import type { NumberParam, StringParam } from './params'

/**
 * The one vocabulary of parameters (DESIGN D2): every tool that takes a call id, a limit or a
 * cursor uses these, so the AI sees the same name, type and wording everywhere.
 */

/** The SIP Call-ID of a call (A leg). */
export const callidParam = {
  type: 'string',
  description: 'SIP Call-ID of the call, as searchCallLogs returns it (callid).',
  required: true,
  maxLength: 255
} as const satisfies StringParam

/** ConnexCS's internal id of the call's B leg. */
export const callidbParam = {
  type: 'string',
  description: 'Internal B-leg call id (callidb from searchCallLogs); narrows the trace to that call.',
  maxLength: 255
} as const satisfies StringParam

/** How many items a page holds; `max` keeps results inside the output budget. */
export function limitParam (fallback: number, max: number) {
  return {
    type: 'number',
    description: `Items per page, 1-${max} (default ${fallback}).`,
    default: fallback,
    min: 1,
    max,
    integer: true
  } as const satisfies NumberParam
}

/** Continues a paginated list. */
export const cursorParam = {
  type: 'string',
  description: 'next_cursor from the previous page; leave out for the first page.',
  maxLength: 20
} as const satisfies StringParam
