import { relative } from 'node:path'
import { bundle } from './lib/bundle'
import { ROOT } from './lib/config'
import { printAndExit, quietOnClosedOutput } from './lib/output'

quietOnClosedOutput()

// `npm run build`: bundles every entry of cx.config.json and says where each went.
try {
  for (const entry of await bundle()) {
    console.log(`built ${relative(ROOT, entry.file)} (${(entry.bytes / 1024).toFixed(1)} KiB) from ${entry.source}`)
  }
} catch (error) {
  printAndExit((error as Error).message, 1)
}
