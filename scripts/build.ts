import { relative } from 'node:path'
import { bundle } from './lib/bundle'
import { ROOT } from './lib/config'

// `npm run build`: bundles every entry of cx.config.json and says where each went.
try {
  for (const entry of await bundle()) {
    console.log(`built ${relative(ROOT, entry.file)} (${(entry.bytes / 1024).toFixed(1)} KiB) from ${entry.source}`)
  }
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}
