import fs from "node:fs";
import path from "node:path";
import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const root = import.meta.dirname;

/** Whether `@/…` names a module that starts with `import "server-only"`. */
const serverOnlyCache = new Map();
function isServerOnly(specifier) {
  if (serverOnlyCache.has(specifier)) return serverOnlyCache.get(specifier);
  const base = path.join(root, specifier.slice(2));
  const file = [".ts", ".tsx", "/index.ts"].map((ext) => base + ext).find((f) => fs.existsSync(f));
  const result = file !== undefined && /^import "server-only";/m.test(fs.readFileSync(file, "utf8"));
  serverOnlyCache.set(specifier, result);
  return result;
}

// Browser code imports only plain modules of lib, not even their types: a type it needs
// lives in a plain module beside the server-only one. Browser code = files marked
// "use client", and the hooks, queries and helpers of components/ (the .ts files).
const clientImportsPlainModules = {
  meta: {
    type: "problem",
    messages: {
      serverOnly:
        "{{name}} is server-only; browser code imports plain modules only (move what is needed into a plain module).",
    },
    schema: [],
  },
  create(context) {
    const file = path.relative(root, context.filename);
    const first = context.sourceCode.ast.body[0];
    const isClient =
      (first?.type === "ExpressionStatement" && first.directive === "use client") ||
      (file.startsWith(`components${path.sep}`) && file.endsWith(".ts"));
    if (!isClient) return {};
    return {
      ImportDeclaration(node) {
        const name = node.source.value;
        if (typeof name === "string" && name.startsWith("@/") && isServerOnly(name)) {
          context.report({ node, messageId: "serverOnly", data: { name } });
        }
      },
    };
  },
};

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [".next/**", ".next-*/**", ".data/**", "node_modules/**", "bench/out/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
  {
    plugins: { reclaim: { rules: { "client-imports-plain-modules": clientImportsPlainModules } } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "reclaim/client-imports-plain-modules": "error",
      // Dependencies point one way: app → components → lib.
      "import/no-restricted-paths": [
        "error",
        {
          zones: [
            {
              target: "./lib",
              from: ["./app", "./components"],
              message: "lib/ holds the logic: it imports nothing from app/ or components/.",
            },
            {
              target: ["./app/actions", "./app/api"],
              from: "./components",
              message: "Server actions and route handlers call lib/, never components/.",
            },
            {
              target: "./components",
              from: "./app",
              except: ["./actions"],
              message: "Components call server actions (app/actions) and nothing else of app/.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
];

export default config;
