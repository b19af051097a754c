// Builds the web app into crates/server/assets, which `passerelle serve`
// embeds. The output is committed; `.ci/run` rebuilds it from the lockfile
// and fails if the two differ, so the binary always serves this source.
import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";

const out = new URL("../crates/server/assets/", import.meta.url).pathname;
await mkdir(out, { recursive: true });
await build({
  entryPoints: { app: "src/main.tsx" },
  outdir: out,
  bundle: true,
  format: "esm",
  target: ["es2022", "chrome109", "safari15", "firefox115"],
  minify: true,
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "eof",
  charset: "utf8",
  logLevel: "warning",
});
await copyFile("src/index.html", out + "index.html");
