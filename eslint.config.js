import { builtinModules } from 'node:module'
import js from '@eslint/js'
import stylistic from '@stylistic/eslint-plugin'
import checkFile from 'eslint-plugin-check-file'
import jsdoc from 'eslint-plugin-jsdoc'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// src/ is ScriptForge code: QuickJS plus the globals the platform adds, no Node.
const nodeModules = {
  group: ['node:*', ...builtinModules, ...builtinModules.map(m => `${m}/*`)],
  message: 'src/ runs in ScriptForge (QuickJS): no Node built-ins.'
}
const sandboxMissing = [
  ...['Buffer', 'TextEncoder', 'TextDecoder', 'structuredClone', 'Intl', 'crypto', 'URL', 'URLSearchParams', 'fetch', 'require', '__dirname', '__filename', 'global', 'window', 'document']
    .map(name => ({ name, message: `${name} does not exist in the ScriptForge sandbox (README, "Architecture": what the sandbox has).` }))
]
const noLocale = {
  selector: 'CallExpression[callee.property.name=/^(toLocale|localeCompare)/]',
  message: 'No Intl in the sandbox: format numbers, dates and comparisons by hand (src/lib/format.ts).'
}
const apiOnlyInConnexcs = { name: 'cxRest', message: 'Only src/connexcs/ talks to the ConnexCS API; call connexcs() from there.' }

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  stylistic.configs.customize({ semi: false, indent: 2, quotes: 'single', commaDangle: 'never', braceStyle: '1tbs', arrowParens: false }),
  {
    plugins: { jsdoc, 'check-file': checkFile },
    rules: {
      // ConnexCS house style: `function name (args)`.
      '@stylistic/space-before-function-paren': ['error', 'always'],
      '@stylistic/quote-props': ['error', 'as-needed'],
      '@stylistic/operator-linebreak': ['error', 'after', { overrides: { '?': 'before', ':': 'before', '|': 'before', '&': 'before' } }],
      '@stylistic/arrow-parens': ['error', 'as-needed'],
      '@stylistic/list-style': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'check-file/filename-naming-convention': ['error', { '**/*.{ts,js}': 'CAMEL_CASE' }, { ignoreMiddleExtensions: true }]
    }
  },
  {
    files: ['src/**/*.ts', 'platform/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      // What is exported carries TSDoc.
      'jsdoc/require-jsdoc': ['error', {
        publicOnly: true,
        require: { FunctionDeclaration: true, ClassDeclaration: true, MethodDefinition: false, ArrowFunctionExpression: true },
        contexts: ['TSInterfaceDeclaration', 'TSTypeAliasDeclaration', 'ExportNamedDeclaration > VariableDeclaration']
      }]
    }
  },
  {
    files: ['scripts/**', 'platform/**', 'test/**', '*.config.{ts,js}'],
    languageOptions: { globals: globals.node }
  },
  {
    // Tests read arbitrary JSON answers.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' }
  },
  {
    files: ['src/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', { paths: [apiOnlyInConnexcs], patterns: [nodeModules] }],
      // Long lines hide what they do; prose in strings and templates may run on where it must.
      '@stylistic/max-len': ['error', { code: 150, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
      'no-restricted-globals': ['error', ...sandboxMissing],
      'no-restricted-syntax': ['error', noLocale]
    }
  },
  {
    files: ['src/connexcs/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [nodeModules] }],
      // The API layer may use ScriptForge's fetch (apiText.ts), checking that it exists first.
      'no-restricted-globals': ['error', ...sandboxMissing.filter(g => g.name !== 'fetch')]
    }
  },
  {
    // Pure domain logic: no I/O, no clock, no environment (README, "Architecture").
    files: ['src/analysis/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [apiOnlyInConnexcs, { name: 'cxMcpServer', message: 'analysis/ is pure: no platform modules.' }],
        patterns: [nodeModules, { group: ['../connexcs/*', '../tools/*'], message: 'analysis/ is pure: it may not reach the API or the tools.' }]
      }],
      'no-restricted-globals': ['error', ...sandboxMissing,
        ...['process', 'console', 'setTimeout', 'setInterval'].map(name => ({ name, message: `analysis/ is pure: no ${name}.` }))],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'analysis/ is pure: take the time as an argument.' }],
      'no-restricted-syntax': ['error', noLocale, { selector: 'NewExpression[callee.name="Date"][arguments.length=0]', message: 'analysis/ is pure: take the time as an argument.' }]
    }
  }
)
