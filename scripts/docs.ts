import { updateReadme } from './lib/readme'

// `npm run docs`: regenerates the README's tool table from src/tools.
console.log(updateReadme() ? 'README.md: tool table updated' : 'README.md: tool table already current')
