import { runCommand } from './lib/cli'
import { configureCommand } from './lib/configureCommand'

// `npm run configure`: see scripts/lib/configureCommand.ts (`npm run configure -- --help`).
await runCommand(configureCommand)
