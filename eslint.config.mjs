// Lint rules, including the import boundaries of style.md rule 5:
//   @azure/* only under src/azure (and @azure/storage-blob in src/store's blob backend);
//   botbuilder / teams-ai only under src/bot, src/dialogs, src/server.ts and src/store;
//   product code never imports src/sandbox (only src/index.ts starts it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const azure = { group: ['@azure/*'], message: 'Only src/azure talks to Azure (style rule 5).' };
const teams = {
  group: ['botbuilder', 'botbuilder-*', 'botframework-*', '@microsoft/teams-ai', '@microsoft/teams-ai/*'],
  message: 'Only src/bot, src/dialogs, src/server.ts and src/store use the Bot Framework (style rule 5).',
};
const sandbox = { group: ['**/sandbox', '**/sandbox/*'], message: 'Product code never imports the sandbox.' };

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'coverage', '.data', '.playground', 'devTools', 'test-output', 'bench/results'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: [
      'src/azure/**',
      'src/sandbox/**',
      'src/store/**',
      'src/bot/**',
      'src/dialogs/**',
      'src/server.ts',
      'src/index.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [azure, teams, sandbox] }] },
  },
  {
    files: ['src/bot/**/*.ts', 'src/dialogs/**/*.ts', 'src/server.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [azure, sandbox] }] },
  },
  {
    files: ['src/azure/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [teams, sandbox] }] },
  },
  {
    files: ['src/store/**/*.ts'],
    ignores: ['src/store/blobStorage.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [azure, sandbox] }] },
  },
  {
    files: ['src/sandbox/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [teams] }] },
  },
  {
    files: ['src/sandbox/cli.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
