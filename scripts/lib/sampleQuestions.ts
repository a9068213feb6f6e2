import type { Dataset, SimCall } from '../../platform/switch/index'

/**
 * Three questions a new user can ask at once, with real identifiers of the simulated switch: a
 * failed call whose cause is clear (a catalog scenario), and the busiest customer, by name and by id.
 */

/** Scenarios whose failure a single trace explains, most telling first. */
const CLEAR_FAILURES = ['codec_488', 'busy', 'no_route', 'timeout_408']

/** The busiest customer over the day before the clock. */
function busiestCustomer (data: Dataset): Dataset['customers'][number] | undefined {
  const since = data.now_ms - 86_400_000
  const counts = new Map<number, number>()
  for (const call of data.calls) {
    if (call.start_ms >= since && call.customer_id !== 0) counts.set(call.customer_id, (counts.get(call.customer_id) ?? 0) + 1)
  }
  let busiest: number | undefined
  let most = 0
  for (const [id, count] of counts) {
    if (count > most) [busiest, most] = [id, count]
  }
  return data.customers.find(c => c.id === busiest)
}

/** A failed call with a clear cause: a catalog scenario's, else the newest failure that was not a cancel. */
function failedCall (data: Dataset): SimCall | undefined {
  for (const id of CLEAR_FAILURES) {
    const callid = data.scenarios.find(s => s.id === id)?.calls[0]?.callid
    const call = data.calls.find(c => c.callid === callid)
    if (call !== undefined) return call
  }
  return data.calls.find(c => c.sip_code >= 400 && c.sip_code !== 487)
}

/** The questions, one per line (fewer when the data has no such call or customer). */
export function sampleQuestions (data: Dataset): string[] {
  const questions: string[] = []
  const call = failedCall(data)
  if (call !== undefined) questions.push(`Why did call ${call.callid} fail?`)
  const customer = busiestCustomer(data)
  if (customer !== undefined) {
    questions.push(`How did customer ${customer.name} (id ${customer.id}) do over the last 7 days: ASR, ACD and the main failure codes?`)
    questions.push(`List customer ${customer.id}'s answered calls from yesterday, longest first.`)
  }
  return questions
}
