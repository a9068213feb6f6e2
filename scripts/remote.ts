import { runCommand } from './lib/cli'
import { remoteCommand } from './lib/remoteCommand'

// `npm run remote`: see scripts/lib/remoteCommand.ts (`npm run remote -- --help`).
await runCommand(remoteCommand)
