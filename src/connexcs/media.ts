import { asArray, type Connexcs } from './client'
import type { RtpServerGroup } from './types'

/** `GET setup/server/rtp-group`: the account's media zones. */
export async function listRtpServerGroups (api: Connexcs): Promise<RtpServerGroup[]> {
  return asArray<RtpServerGroup>(await api.get('setup/server/rtp-group'))
}
