import { asArray, type Connexcs } from './client'
import type { RtpServer, RtpServerGroup } from './types'

/** `GET setup/server/rtp-group`: the account's media zones. */
export async function listRtpServerGroups (api: Connexcs): Promise<RtpServerGroup[]> {
  return asArray<RtpServerGroup>(await api.get('setup/server/rtp-group'))
}

/** `GET setup/rtp`: the account's media servers. */
export async function listRtpServers (api: Connexcs): Promise<RtpServer[]> {
  return asArray<RtpServer>(await api.get('setup/rtp'))
}
