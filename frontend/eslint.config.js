// ESLint 9 flat config. Besides the usual TypeScript and hooks rules it keeps the
// bulletproof-react boundaries: features never import each other, and the shared
// layers (lib, components, types) never import features or the app. Only src/app
// composes features.
import { readdirSync } from 'node:fs';
import { URL } from 'node:url';
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Every folder under src/features is a feature, so a new one is fenced in too.
const FEATURES = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export default defineConfig([
  // openapi.gen.ts is openapi-typescript's output (make api-types), not code we write.
  globalIgnores(['dist/', 'coverage/', 'node_modules/', 'src/types/openapi.gen.ts']),
  js.configs.recommended,
  tseslint.configs.recommended,
  reactHooks.configs.flat.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      // Resolves the '@/…' alias from tsconfig.json, so the zones below see through it.
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            // A feature may import only itself (and the shared layers).
            ...FEATURES.map((feature) => ({
              target: `./src/features/${feature}`,
              from: './src/features',
              except: [`./${feature}`],
              message: 'Features must not import each other: lift the shared piece to src/lib or src/components, or compose in src/app.',
            })),
            {
              target: ['./src/lib', './src/components', './src/types', './src/testing'],
              from: ['./src/features', './src/app'],
              message: 'Shared code must not depend on features or the app.',
            },
            {
              target: './src/features',
              from: './src/app',
              message: 'Features must not import the app layer.',
            },
          ],
        },
      ],
    },
  },
]);
