import { asArray, type Connexcs, type Query } from './client'

/** Payments (top-ups and charges) and packages of a customer. */

/** A ledger entry of `GET payment`: a top-up (positive total) or a charge (negative). */
export interface PaymentRecord {
  id: number
  company_id?: number
  amount?: number | string
  total?: number | string
  currency?: string
  /** `YYYY-MM-DD HH:MM:SS` UTC. */
  payment_time?: string
  method?: string
  /** `Completed`, `Pending`, `Failed`. */
  status?: string
  description?: string
}

/** A package assigned to a customer (`GET package?company_id=`). */
export interface PackageRecord {
  id: number
  package_id?: number
  company_id?: number
  name?: string
  /** E.g. `["recurring", "free-minutes"]`. */
  type?: string[] | string
  qty?: number
  /** Recurring price per `frequency`. */
  retail?: number | string | null
  /** One-off price. */
  setup_retail?: number | string | null
  frequency?: string | null
  minutes?: number
  minutes_used?: number
  currency?: string
  start_date?: string
}

/** Which payments to read. */
export interface PaymentQuery {
  /** Rows from `startRow` (default 0) to `endRow` (default 100, excluded), newest first. */
  startRow?: number
  endRow?: number
  /** Only payments at or after / at or before these times (`YYYY-MM-DD HH:MM:SS` UTC). */
  from?: string
  to?: string
}

/** The query of a payment list: the ag-grid server-side model, newest first, as the ConnexCS UI asks. */
export function paymentParams (companyId: number, query: PaymentQuery = {}): Query {
  const params: Query = {
    s: '',
    company_id: companyId,
    _startRow: query.startRow ?? 0,
    _endRow: query.endRow ?? 100,
    _pivotMode: 'false',
    '_sortModel[0][sort]': 'desc',
    '_sortModel[0][colId]': 'payment.payment_time'
  }
  if (query.from !== undefined || query.to !== undefined) {
    params['_filterModel[payment_time][type]'] = 'inRange'
    params['_filterModel[payment_time][filter]'] = query.from ?? '1970-01-01 00:00:00'
    params['_filterModel[payment_time][filterTo]'] = query.to ?? '9999-12-31 23:59:59'
  }
  return params
}

/** `GET payment?company_id=…`: a customer's payments, newest first. */
export async function listPayments (api: Connexcs, companyId: number, query: PaymentQuery = {}): Promise<PaymentRecord[]> {
  return asArray<PaymentRecord>(await api.get('payment', paymentParams(companyId, query)))
}

/** `GET package?s=&company_id=`: the packages assigned to a customer. */
export async function listPackages (api: Connexcs, companyId: number): Promise<PackageRecord[]> {
  return asArray<PackageRecord>(await api.get('package', { s: '', company_id: companyId }))
}
