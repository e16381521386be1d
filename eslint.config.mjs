// Lint rules that hold the architecture: the pure core never imports `vscode`, and nothing
// writes to the console (the extension logs through its LogOutputChannel, with redaction).
import tseslint from 'typescript-eslint';

const pureCore = ['src/aws/**/*.ts', 'src/identity/**/*.ts', 'src/terminal/credentialEndpoint.ts', 'src/terminal/terminalExports.ts', 'src/util/redact.ts', 'src/views/presentation.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'artifacts/**', 'dist-vsix/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Tests may require() fixtures and alias `this` in mocha plumbing.
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-this-alias': 'off' } },
  { files: ['src/**/*.ts'], rules: { 'no-console': 'error' } },
  {
    files: pureCore,
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The pure core (src/aws, src/identity, the credential endpoint) must not depend on VS Code: see src/aws/README.md.' }] }],
    },
  },
);
