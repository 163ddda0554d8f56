import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

/**
 * The lib/ modules components may import: types, zod schemas and constants
 * with no server-side imports, safe in the browser bundle. Every other lib/
 * module is server code (Redis, Discord, secrets, the session).
 */
const clientSafeLibModules = [
  "admin/answer",
  "api/answer",
  "api/field-errors",
  "api/form-state",
  "offers/answer",
  "pool/answer",
  "profile/countries",
  "profile/schema",
  "roles/answer",
  "teams/answer",
  "teams/input",
  "tournament/answer",
  "tournament/format",
  "tournament/input",
];

/**
 * Server actions ("use server" modules) the forms post to when the page's
 * scripts have not run: a component importing one gets a reference to call
 * on the server, never the module's code.
 */
const serverActionModules = ["profile/save-profile-action", "teams/create-team-action", "teams/team-button-action", "offers/offer-button-action", "pool/looking-action"];

const serverOnlyMessage = "components/ runs in the browser: it talks to the server through the API, never through server modules.";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: ["node_modules/**", ".next/**", ".data/**", "next-env.d.ts", "test-results/**", "playwright-report/**", "bench/results/**"],
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["server-only", "ioredis", "next/headers"].map((name) => ({ name, message: serverOnlyMessage })),
          patterns: [
            {
              regex: `^(@/|(\\.\\./)+)lib/(?!(${[...clientSafeLibModules, ...serverActionModules].join("|")})$)`,
              message: `${serverOnlyMessage} The lib/ modules it may import are listed in eslint.config.mjs (clientSafeLibModules, serverActionModules).`,
            },
          ],
        },
      ],
    },
  },
];

export default config;
