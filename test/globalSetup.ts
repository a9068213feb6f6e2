import { bundle } from '../scripts/lib/bundle'
import { loadConfig } from '../scripts/lib/config'

/**
 * Builds dist/ once from the current sources: the integration tests load what would be deployed.
 * Also the one-file build in dist/bundle/, the fallback for a platform without dynamic import().
 */
export default async function setup (): Promise<void> {
  const config = loadConfig()
  await bundle(config)
  await bundle({ ...config, loading: 'bundle', outDir: `${config.outDir}/bundle` })
}
