// What a run needs from outside: the server, the binary, the fixture the
// Rust test made, where to put screenshots. tests/e2e/web.rs sets them all;
// README.md says how to run by hand.
import { readFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (tests/e2e/web.rs sets it; see web/e2e/README.md)`);
  return value;
}

export const url = required("PASSERELLE_URL").replace(/\/$/, "");
export const bin = required("PASSERELLE_BIN");
export const fixture = JSON.parse(readFileSync(required("PASSERELLE_E2E_FIXTURE"), "utf8"));
export const chromium = process.env.PASSERELLE_E2E_CHROMIUM ?? "/usr/bin/chromium";
export const screenshots =
  process.env.PASSERELLE_E2E_SCREENSHOTS ?? join(new URL("../..", import.meta.url).pathname, "screenshots");
mkdirSync(screenshots, { recursive: true });
// Only this run's pictures: an old FAILED-….png would mislead.
for (const name of readdirSync(screenshots)) {
  if (name.endsWith(".png")) rmSync(join(screenshots, name));
}
/** For front-end work: serve these freshly built assets instead of the ones
 * compiled into the binary (the server's own headers are kept). */
export const assets = process.env.PASSERELLE_E2E_ASSETS || null;
/** Only the scenarios whose names contain one of these (comma-separated). */
export const only = (process.env.PASSERELLE_E2E_ONLY ?? "").split(",").filter(Boolean);
export const headed = process.env.PASSERELLE_E2E_HEADED === "1";

/** The budgets the app is held to. */
export const budget = {
  /** Navigation start to an input of the first form accepting input. */
  interactiveMs: 1000,
  /** JS + CSS as transferred, compressed. */
  transferBytes: 150 * 1000,
};
