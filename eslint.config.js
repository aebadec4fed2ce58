// ESLint flat config. The important part is the determinism fence around workflow code:
// workflows (and the pure domain core they call) may not import Node built-ins or any module
// that does I/O, and may not read the wall clock or randomness outside the Temporal API.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`, `${name}/*`, `node:${name}/*`]);

const ioModules = [
  '@prisma/*',
  'prisma',
  'pg',
  'better-sqlite3',
  'nodemailer',
  'express',
  'pino',
  'yaml',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  '**/src/db/**',
  '**/src/api/**',
  '**/src/cli/**',
  '**/src/temporal/**',
  '**/src/config*',
  '**/src/rules/load*',
  '**/src/rules/registry*',
  '**/src/rules/watch*',
];

const deterministicSyntax = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message:
      'Workflow and domain code must not read the wall clock: use workflow time (Date inside workflows is Temporal-controlled) or pass `now` in.',
  },
  {
    selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
    message: 'Non-deterministic: use `uuid4()` from @temporalio/workflow, or pass randomness in.',
  },
  {
    selector: "CallExpression[callee.name='setTimeout'], CallExpression[callee.name='setInterval']",
    message: 'Use `sleep()` or `condition()` from @temporalio/workflow, which are durable timers.',
  },
  {
    selector: "MemberExpression[object.name='process']",
    message: 'Workflow and domain code must not read process state or the environment.',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.tools/**', 'src/db/generated/**', 'dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'src/cli/bin.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins
            .filter((n) => !n.includes('*'))
            .map((name) => ({ name, message: 'Node built-ins are not allowed in deterministic code.' })),
          patterns: [
            {
              group: nodeBuiltins.filter((n) => n.includes('*')),
              message: 'Node built-ins are not allowed in deterministic code.',
            },
            { group: ioModules, message: 'Deterministic code may not import I/O modules; call an activity instead.' },
            {
              group: ['**/activities', '**/activities/*'],
              allowTypeImports: true,
              message: 'Import activities as types only and call them through proxyActivities().',
            },
          ],
        },
      ],
      'no-restricted-syntax': ['error', ...deterministicSyntax],
      'no-restricted-globals': ['error', 'require', 'fetch', '__dirname', '__filename', 'Buffer'],
    },
  },
  {
    // Module structure: no import cycles anywhere, and the lower layers never reach up into the
    // application layers. Our imports are relative and extensionless (moduleResolution: Bundler, no
    // path aliases), so the plugin's built-in node resolver, taught the .ts extension, resolves them
    // (no eslint-import-resolver-typescript needed); `import-x/extensions` lets the rules read .ts files.
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
    },
    rules: {
      // Type-only imports do not count (they vanish at runtime); packages are not followed. No
      // maxDepth: cycles run through several files, and each file is parsed once whatever the depth.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            {
              target: ['src/auth', 'src/domain', 'src/rules', 'src/db', 'src/email', 'src/metrics'],
              from: ['src/usecases', 'src/api', 'src/cli'],
              message:
                'Lower layers may not depend on use cases, the API or the CLI; move the shared code down instead.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read HTTP and JSON bodies, which are untyped by nature.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
