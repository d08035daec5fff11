// `npm run lint`: typescript-eslint's type-checked rules, and a format check made of
// @stylistic rules that describe the code as it is written (2-space indent, single quotes,
// semicolons, trailing commas in multi-line lists, no trailing spaces). `npm run lint -- --fix`
// repairs most format findings. Each rule turned off below says why.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import stylistic from '@stylistic/eslint-plugin';

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', 'bench/out/', '**/*.mjs', '**/*.js'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // Library files are checked in the program that has no mocha types; tests in the full one.
        project: ['./tsconfig.lib.json', './tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Casts such as `as ['ok', Socket]` document which OTP result shape a line expects.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // A process body is a generator by contract, even one that never waits.
      'require-yield': 'off',
      // Erlang's throw: any term may be thrown (gen_server's try_dispatch, nocatch reasons).
      '@typescript-eslint/only-throw-error': 'off',
      // Rejections pass on what they caught, unchanged.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      // `let x = default; if (...) x = ...` is this code's way of stating the default.
      'no-useless-assignment': 'off',
      // `['ok', T] | unknown` documents the shape a helper expects while accepting anything.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      'prefer-const': ['error', { destructuring: 'all' }],
      // Pids and refs print as Erlang does (<0.80.0>, #Ref<...>) through their own toString.
      '@typescript-eslint/restrict-template-expressions': ['error', {
        allowNumber: true,
        allow: [{ from: 'file', name: ['Pid', 'Ref'], path: 'runtime/terms.ts' }],
      }],
    },
  },
  {
    // The addon's functions are plain C callbacks that never use `this`; prim_socket hands
    // them out directly on the hot path.
    files: ['sockets/prim_socket.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    files: ['**/*.ts'],
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/indent': ['error', 2, { ignoredNodes: ['TSTypeAnnotation'] }],
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true }],
      '@stylistic/semi': ['error', 'always'],
      '@stylistic/comma-dangle': ['error', 'always-multiline'],
      '@stylistic/eol-last': 'error',
      '@stylistic/no-trailing-spaces': 'error',
      '@stylistic/no-tabs': 'error',
      '@stylistic/linebreak-style': ['error', 'unix'],
      '@stylistic/no-multiple-empty-lines': ['error', { max: 2, maxEOF: 1 }],
      '@stylistic/keyword-spacing': 'error',
      '@stylistic/space-before-blocks': 'error',
      '@stylistic/comma-spacing': 'error',
      '@stylistic/key-spacing': 'error',
      '@stylistic/space-infix-ops': 'error',
      '@stylistic/arrow-spacing': 'error',
      '@stylistic/member-delimiter-style': 'error',
      '@stylistic/type-annotation-spacing': 'error',
      '@stylistic/space-before-function-paren': ['error', { anonymous: 'always', named: 'never', asyncArrow: 'always' }],
      '@stylistic/generator-star-spacing': ['error', { before: false, after: true, method: { before: true, after: false } }],
      '@stylistic/yield-star-spacing': ['error', { before: false, after: true }],
    },
  },
);
