import { apiPath, asArray, type Connexcs } from './client'
import type { CarrierRecord, CustomerRecord } from './types'

/** `GET customer/<id>`: one customer (name, status, IPs…). */
export async function getCustomer (api: Connexcs, id: number): Promise<CustomerRecord | undefined> {
  return asArray<CustomerRecord>(await api.get(apiPath`customer/${id}`))[0]
}

/** `GET carrier/<id>`: one carrier (name, status, IPs…). */
export async function getCarrier (api: Connexcs, id: number): Promise<CarrierRecord | undefined> {
  return asArray<CarrierRecord>(await api.get(apiPath`carrier/${id}`))[0]
}
