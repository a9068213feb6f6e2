import { runCommand } from './lib/cli'
import { deployCommand } from './lib/deployCommand'

// `npm run deploy`: see scripts/lib/deployCommand.ts (`npm run deploy -- --help`).
await runCommand(deployCommand)
