// ESLint peer for bench/run.sh: no rules at all, so ESLint only finds the
// files, parses them and runs scope analysis (eslint-scope), which is the
// nearest ESLint equivalent of the floor (oxc parse + semantic).
//
// Used with `eslint --config bench/eslint.config.mjs --no-inline-config`,
// run from the corpus folder (the config's base path is then the corpus).
import tsParser from "@typescript-eslint/parser";

export default [
  {
    linterOptions: {
      noInlineConfig: true,
      reportUnusedDisableDirectives: "off",
      reportUnusedInlineConfigs: "off",
    },
  },
  {
    // ESLint lints *.js, *.mjs, *.cjs by default; add the rest of what
    // leaklint and oxlint read.
    files: ["**/*.{js,mjs,cjs,jsx}"],
    languageOptions: {
      ecmaVersion: "latest",
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
  },
  {
    files: ["**/*.{ts,mts,cts,tsx}"],
    languageOptions: { parser: tsParser },
  },
];
