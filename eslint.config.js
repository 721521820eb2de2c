// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier/flat';
import vue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'url', 'util'];

/** Layer rules: the renderer sees only shared/, shared/ sees nothing platform-specific, domain code never sees Electron. */
const forbid = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'test/artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  ...vue.configs['flat/recommended'],
  prettier,
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    // TypeScript checks names itself, with the right globals per tsconfig (DOM for the renderer, Node elsewhere).
    files: ['**/*.ts', '**/*.vue'],
    rules: { 'no-undef': 'off' },
  },
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly', Buffer: 'readonly', window: 'readonly' },
    },
    rules: {
      'vue/no-v-html': 'error',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Render text with Vue bindings; never build HTML from data.' },
        { property: 'outerHTML', message: 'Render text with Vue bindings; never build HTML from data.' },
        { property: 'openExternal', message: 'Rootkeeper opens nothing outside itself.' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      // With noUncheckedIndexedAccess, `!` after a bounds check is the honest way to say "present".
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // electron-builder loads its hooks with require().
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src-renderer/**'],
    rules: forbid(
      ['electron', ...nodeBuiltins, '**/src-main/**'],
      'The renderer imports only shared/ and its own code.',
    ),
  },
  {
    files: ['shared/**'],
    rules: forbid(
      ['electron', ...nodeBuiltins, 'vue', 'pinia', '**/src-main/**', '**/src-renderer/**'],
      'shared/ is imported by both processes: no Node, no DOM, no Electron, no Vue.',
    ),
  },
  {
    files: ['src-main/**'],
    ignores: ['src-main/electron/**'],
    rules: forbid(
      ['electron', '**/src-renderer/**'],
      'Domain code runs under plain Node: only src-main/electron/ may import Electron.',
    ),
  },
  {
    files: ['src-main/electron/**'],
    rules: forbid(['**/src-renderer/**'], 'The main process never imports renderer code.'),
  },
);
