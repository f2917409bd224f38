// Type-checked lint for every TypeScript file in the workspace (one program: the root tsconfig.json).
// Production code may not use `any` or `as unknown as`; a justified exception is an inline
// `// eslint-disable-next-line <rule> -- <reason>`, and an unused disable is itself an error.
import js from '@eslint/js';
import globals from 'globals';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TEST_FILES = [
  '**/*.test.ts',
  '**/*test-*.ts',
  '**/test-*/**',
  '**/testing/**',
  '**/testing.ts',
  '**/fixtures/**',
  'tools/test/**',
  // End-to-end journeys and the helpers that start their processes.
  'tools/e2e/**',
];

export default defineConfig(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', '**/.generated/**', '.dev/**', '.nx/**'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // Fastify reads a function's promise as its contract: an async plugin is loaded when its
      // promise settles, an async hook or handler needs no `done` callback. Dropping `async` where
      // nothing is awaited would change how Fastify calls it, so async without await is allowed.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSAsExpression > TSAsExpression.expression[typeAnnotation.type="TSUnknownKeyword"]',
          message: '`as unknown as` hides a type error: parse (zod), narrow or type the helper instead.',
        },
      ],
    },
  },
  {
    // Tests may use `any` and `as unknown as` (fakes, deliberately malformed input, `res.json()`):
    // what an `any` value holds is checked by the test's own assertions, so the rules that follow
    // `any` around are off too. The rules that catch a test passing by mistake stay on: floating
    // or misused promises (an un-awaited `expect(...).rejects`), awaiting non-promises, unbound
    // methods, needless assertions.
    files: TEST_FILES,
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-syntax': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
