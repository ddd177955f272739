// Lint rules, including the import boundaries of style.md rule 5:
//   @azure/* only under src/azure (and @azure/storage-blob in src/store's blob backend, and
//   @azure/core-rest-pipeline in src/http: the one HTTP-client adapter the Azure layer and the Blob store share);
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
// Layers that sit below others never import them: storage sits below the Azure layer, the dialogs below the bot, and
// the sandbox (the fake) shares nothing with the Azure layer (the client it checks).
const azureLayer = {
  group: ['**/azure', '**/azure/*', '**/azure/**'],
  message: 'The store and the sandbox sit beside or below the Azure layer: never import src/azure (use src/http).',
};
const botLayer = {
  group: ['**/bot', '**/bot/*', '**/bot/**'],
  message: 'Dialogs sit below the bot: never import src/bot (card rendering lives in src/cards).',
};
// The one shared adapter for Azure SDK HTTP clients (the Azure layer and the Blob store both use it).
const httpOnly = { group: ['@azure/*', '!@azure/core-rest-pipeline'], message: 'src/http adapts HTTP clients only.' };

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      '.tools',
      'dist',
      'coverage',
      '.data',
      '.playground',
      'devTools',
      'test-output',
      'bench/results',
    ],
  },
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
      'src/http/**',
      'src/server.ts',
      'src/index.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [azure, teams, sandbox] }] },
  },
  {
    files: ['src/bot/**/*.ts', 'src/server.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [azure, sandbox] }] },
  },
  {
    files: ['src/dialogs/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [azure, sandbox, botLayer] }] },
  },
  {
    files: ['src/http/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [httpOnly, teams, sandbox, azureLayer] }] },
  },
  {
    files: ['src/azure/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [teams, sandbox] }] },
  },
  {
    files: ['src/store/**/*.ts'],
    ignores: ['src/store/blobStorage.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [azure, sandbox, azureLayer] }] },
  },
  {
    files: ['src/store/blobStorage.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [sandbox, azureLayer] }] },
  },
  {
    files: ['src/sandbox/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [teams, azureLayer] }] },
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
