import { bundle } from '../scripts/lib/bundle'

/** Builds dist/ once from the current sources: the integration tests load what would be deployed. */
export default async function setup (): Promise<void> {
  await bundle()
}
