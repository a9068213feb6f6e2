import { ToolError } from '../lib/errors'
import { apiPath, asArray, type Connexcs, type Query } from './client'

/**
 * Customers and carriers, and what identifies a caller: SIP users (`switch/user`), authorised IPs
 * (`switch/ip`) and CLIs (`cli`). Lists are read whole, once per tool call, so that matching many
 * SIP users or IPs to their customers takes no request per match.
 */

/** A customer of `GET customer` / `GET customer/<id>` (numbers may arrive as text). */
export interface CustomerAccount {
  id: number
  name?: string
  /** `Active`, `Inactive`, `Pending Approval`. */
  status?: string
  currency?: string
  credit?: number | string
  debit_limit?: number | string
  /** Unix seconds of its last call, or null. */
  last_call?: number | null
  ips?: string[]
  sip_users?: string[]
  /** Card ids of its routing rows. */
  cards?: string[]
  contact_name?: string[]
  tags?: string[]
  channels?: number
  cps?: number
}

/** A carrier of `GET carrier` / `GET carrier/<id>`. */
export interface CarrierAccount {
  id: number
  name?: string
  status?: string
  currency?: string
  ips?: string[]
  /** Its buy (provider) rate card. */
  card_id?: string
  channels?: number
  cps?: number
  codecs?: string[]
  tech_prefix?: string
}

/** A SIP user of `GET switch/user`. */
export interface SwitchUserRecord {
  id?: number
  username: string
  company_id: number
  channels?: number
  status?: string
}

/** An authorised IP of `GET switch/ip`. */
export interface SwitchIpRecord {
  id?: number
  ip: string
  company_id: number
  channels?: number
  direction?: string
  status?: string
}

/** A CLI of `GET cli`. */
export interface CliRecord {
  id?: number
  cli: string
  company_id: number
  forced?: boolean
}

/** Filters of a customer or carrier list: free text (name or id), partial name, exact id, status. */
export interface CompanyFilter {
  s?: string
  name?: string
  id?: number
  status?: string
}

/** A page of a list (ag-grid rows `startRow` to `endRow`, end excluded). */
export interface Page {
  startRow: number
  endRow: number
}

/** The most rows one list request asks for. */
export const LIST_PAGE_ROWS = 1000

function companyQuery (filter: CompanyFilter, page: Page): Query {
  return { s: filter.s ?? '', name: filter.name, id: filter.id, status: filter.status, _startRow: page.startRow, _endRow: page.endRow }
}

/** `undefined` for the API's "Record Not Found" (404); any other failure is thrown. */
async function orUndefined<T> (fetch: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fetch()
  } catch (error) {
    if (error instanceof ToolError && error.type === 'not_found') return undefined
    throw error
  }
}

/** `GET customer?s=&name=&id=&status=`: customers matching the filter, one page (default the first 1,000). */
export async function listCustomers (
  api: Connexcs, filter: CompanyFilter = {}, page: Page = { startRow: 0, endRow: LIST_PAGE_ROWS }
): Promise<CustomerAccount[]> {
  return asArray<CustomerAccount>(await api.get('customer', companyQuery(filter, page)))
}

/** `GET customer/<id>`: one customer, or `undefined` when there is no such id. */
export async function getCustomerAccount (api: Connexcs, id: number | string): Promise<CustomerAccount | undefined> {
  return orUndefined(async () => asArray<CustomerAccount>(await api.get(apiPath`customer/${id}`))[0])
}

/** `GET carrier?s=&name=&id=&status=`: carriers matching the filter, one page. */
export async function listCarriers (
  api: Connexcs, filter: CompanyFilter = {}, page: Page = { startRow: 0, endRow: LIST_PAGE_ROWS }
): Promise<CarrierAccount[]> {
  return asArray<CarrierAccount>(await api.get('carrier', companyQuery(filter, page)))
}

/** `GET carrier/<id>`: one carrier, or `undefined` when there is no such id. */
export async function getCarrierAccount (api: Connexcs, id: number | string): Promise<CarrierAccount | undefined> {
  return orUndefined(async () => asArray<CarrierAccount>(await api.get(apiPath`carrier/${id}`))[0])
}

/** Filters of the caller-identity lists: one customer, and/or one exact value; at most `limit` rows (default 1,000). */
export interface IdentityFilter {
  company_id?: number
  limit?: number
}

/** `GET switch/user?username=&company_id=&_limit=`: SIP users (all of them without a filter, up to the limit). */
export async function listSwitchUsers (api: Connexcs, filter: IdentityFilter & { username?: string } = {}): Promise<SwitchUserRecord[]> {
  return asArray<SwitchUserRecord>(await api.get('switch/user', { username: filter.username, company_id: filter.company_id, _limit: filter.limit ?? LIST_PAGE_ROWS }))
}

/** `GET switch/ip?ip=&company_id=&_limit=`: authorised IPs; give `ip` in canonical form (`canonicalIp`). */
export async function listSwitchIps (api: Connexcs, filter: IdentityFilter & { ip?: string } = {}): Promise<SwitchIpRecord[]> {
  return asArray<SwitchIpRecord>(await api.get('switch/ip', { ip: filter.ip, company_id: filter.company_id, _limit: filter.limit ?? LIST_PAGE_ROWS }))
}

/** `GET cli?cli=&company_id=&_limit=`: CLIs; give `cli` as digits (`cliDigits`). */
export async function listClis (api: Connexcs, filter: IdentityFilter & { cli?: string } = {}): Promise<CliRecord[]> {
  return asArray<CliRecord>(await api.get('cli', { cli: filter.cli, company_id: filter.company_id, _limit: filter.limit ?? LIST_PAGE_ROWS }))
}

/** The company that owns the account (`GET setup/account`). */
export interface AccountCompany {
  id?: number
  name?: string
  /** The currency the API's own profit figures (`account_profit`) are in. */
  currency?: string
}

/** `GET setup/account`: the account's own company, or `undefined` when the API gives none. */
export async function getAccountCompany (api: Connexcs): Promise<AccountCompany | undefined> {
  return asArray<AccountCompany>(await api.get('setup/account'))[0]
}
