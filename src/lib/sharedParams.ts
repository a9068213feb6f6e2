import type { NumberParam, StringParam } from './params'

/**
 * The one vocabulary of parameters (README, "Architecture"): every tool that takes a call id, a limit or a
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

/** First day of a date range. */
export function startDateParam (defaultText: string) {
  return {
    type: 'string',
    description: `First day, YYYY-MM-DD (UTC); default ${defaultText}.`,
    format: 'date'
  } as const satisfies StringParam
}

/** Last day of a date range, inclusive. */
export const endDateParam = {
  type: 'string',
  description: 'Last day, YYYY-MM-DD (UTC), inclusive; default start_date.',
  format: 'date'
} as const satisfies StringParam

/**
 * A customer by name or id: one parameter type for every tool, resolved by one resolver
 * (`src/tools/shared/accounts.ts`). Old callers send the id as a JSON number; it is taken as text.
 */
export const customerIdParam = {
  type: 'string',
  description: 'Customer: numeric id (105979) or name, whole or part ("Acme Telecom"); several matches are listed to choose from.',
  maxLength: 100,
  acceptsNumber: true
} as const satisfies StringParam

/** A phone number, or its first digits: digits with an optional leading +. */
export function digitsParam (description: string) {
  return {
    type: 'string',
    description,
    pattern: { regex: /^\+?\d{1,20}$/, says: 'digits only (a leading + is allowed), e.g. 447700900123' }
  } as const satisfies StringParam
}

/** A carrier (provider) by name or id, resolved like {@link customerIdParam}. */
export const providerIdParam = {
  type: 'string',
  description: 'Carrier (provider): numeric id or name, whole or part.',
  maxLength: 100,
  acceptsNumber: true
} as const satisfies StringParam

/** The same parameters, required. */
export const requiredCustomerParam = { ...customerIdParam, required: true } as const satisfies StringParam
