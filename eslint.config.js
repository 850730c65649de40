// Lint rules: typescript-eslint's recommended set on src, test and bench, and the backend seam:
// a database driver or a backend's role files are reachable only through src/store/ (docs/ARCHITECTURE.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const driverImports = {
  paths: [
    { name: 'better-sqlite3', message: 'Only src/store/sqlite/ talks to SQLite: go through the Backend (src/store/open-backend.ts).' },
    { name: 'pg', message: 'Only src/store/postgres/ talks to PostgreSQL: go through the Backend (src/store/open-backend.ts).' },
  ],
};
const roleFileImports = {
  patterns: [{
    group: ['**/store/sqlite/*', '**/store/postgres/*', './sqlite/*', './postgres/*'],
    message: 'A backend\'s role files are private to src/store/: use openBackend() and the interfaces in src/store/*.ts.',
  }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Outside src/store/: neither drivers nor role files.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/store/**'],
    rules: { 'no-restricted-imports': ['error', { ...driverImports, ...roleFileImports }] },
  },
  // The notes file is a derived index's own SQLite file, the same on every backend (its header says why): not a store.
  {
    files: ['src/search/notes/notes-file.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [driverImports.paths[1]], ...roleFileImports }] },
  },
  // Inside src/store/ but outside a backend's folder: no drivers (open-backend.ts may name the role files).
  {
    files: ['src/store/*.ts'],
    rules: { 'no-restricted-imports': ['error', driverImports] },
  },
  // One backend's folder never reaches into another's driver.
  {
    files: ['src/store/sqlite/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [driverImports.paths[1]] }] },
  },
  {
    files: ['src/store/postgres/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [driverImports.paths[0]] }] },
  },
);
