// Runs the app's unit tests under Node's own test runner. The tests are
// TypeScript, like the app: esbuild bundles each test/*.test.ts for Node
// first, so they exercise exactly the modules the browser gets.
import { build } from "esbuild";
import { readdir, rm } from "node:fs/promises";
import { spawnSync } from "node:child_process";

const here = new URL(".", import.meta.url).pathname;
const out = new URL("../node_modules/.cache/passerelle-tests/", import.meta.url).pathname;
await rm(out, { recursive: true, force: true });
const entries = (await readdir(here)).filter((name) => name.endsWith(".test.ts"));
await build({
  entryPoints: entries.map((name) => here + name),
  outdir: out,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  jsx: "automatic",
  jsxImportSource: "preact",
  logLevel: "warning",
});
const files = entries.map((name) => out + name.replace(/\.ts$/, ".mjs"));
const run = spawnSync(process.execPath, ["--test", ...files], {
  stdio: "inherit",
  cwd: new URL("..", import.meta.url).pathname,
});
process.exit(run.status ?? 1);
