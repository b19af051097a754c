// The web app's browser tests, in headless Chromium against a running
// `passerelle serve`. tests/e2e/web.rs makes the world and runs this; each
// scenario module exports `name` and `run(ctx)`. A scenario stops at its
// first failed step; the later ones still run, and the exit status is
// non-zero if anything failed. See README.md.
import { launch, settle, shot, taken } from "./lib/browser.mjs";
import { axe, brokenText } from "./lib/checks.mjs";
import { fixture, only, screenshots } from "./lib/env.mjs";
import * as budget from "./scenarios/budget.mjs";
import * as keyboard from "./scenarios/keyboard.mjs";
import * as relay from "./scenarios/relay.mjs";
import * as desk from "./scenarios/desk.mjs";
import * as invite from "./scenarios/invite.mjs";
import * as plan from "./scenarios/plan.mjs";
import * as requests from "./scenarios/requests.mjs";
import * as visits from "./scenarios/visits.mjs";
import * as consent from "./scenarios/consent.mjs";
import * as screens from "./scenarios/screens.mjs";
import * as secrets from "./scenarios/secrets.mjs";

// Keyboard comes late: it signs in, and the server allows five sign-ins a
// minute from one address.
const scenarios = [budget, relay, desk, invite, requests, visits, plan, consent, screens, keyboard, secrets];
const failures = [];
const figures = [];
const looked = [];
const started = Date.now();
const elapsed = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
// A hung browser must fail the run, not stall the test suite.
const LIMIT_MS = 5 * 60_000;
setTimeout(() => {
  console.log(`\n✗ the browser tests did not finish within ${LIMIT_MS / 60_000} minutes`);
  process.exit(1);
}, LIMIT_MS).unref();

const browser = await launch();
const ctx = {
  browser,
  fixture,
  /** What one scenario leaves for the next: open sessions, ids. */
  state: {},
  /** Runs one step of a scenario, timed; a failure stops the scenario. */
  async step(title, action) {
    const since = Date.now();
    try {
      const result = await action();
      console.log(`    ✓ ${title} (${elapsed(since)})`);
      return result;
    } catch (error) {
      console.log(`    ✗ ${title} (${elapsed(since)})`);
      throw error;
    }
  },
  figure(what, value) {
    figures.push(`${what}: ${value}`);
    console.log(`    • ${what}: ${value}`);
  },
  /** Screenshot, axe and broken-text check of the screen now shown; a finding
   * fails the run, not the scenario, so every screen gets looked at. */
  async screen(session, name) {
    await settle(session.page);
    await shot(session, name);
    await ctx.checkScreen(session, name);
  },
  /** The broken text on the screen (see checks.mjs), once it has settled. */
  async brokenTextNow(session) {
    await settle(session.page);
    return brokenText(session.page);
  },
  async checkScreen(session, name) {
    const label = `${session.device}/${name}`;
    const found = await axe(session.page);
    looked.push([label, found.length]);
    for (const violation of found) failures.push(`axe on ${label}: ${violation}`);
    for (const text of await brokenText(session.page)) failures.push(`broken text on ${label}: ${text}`);
  },
};

try {
  for (const scenario of scenarios) {
    if (only.length && !only.some((name) => scenario.name.includes(name))) continue;
    const since = Date.now();
    console.log(`• ${scenario.name}`);
    try {
      await scenario.run(ctx);
      console.log(`  passed (${elapsed(since)})`);
    } catch (error) {
      failures.push(`${scenario.name}: ${error.stack ?? error}`);
      console.log(`  FAILED (${elapsed(since)}): ${String(error.message ?? error).split("\n")[0]}`);
      // What each open page showed when it failed.
      for (const session of Object.values(ctx.state.sessions ?? {})) {
        const file = await shot(session, `FAILED-${scenario.name.split(":")[0]}`).catch(() => null);
        if (file) console.log(`  see ${file}`);
      }
    }
  }
} finally {
  for (const session of Object.values(ctx.state.sessions ?? {})) await session.context.close().catch(() => {});
  await browser.close();
}

console.log("\nSummary");
for (const line of figures) console.log(`  ${line}`);
const flagged = looked.filter(([, count]) => count > 0);
console.log(`  axe: ${looked.length} screens checked, ${flagged.length} with serious or critical violations`);
for (const [label, count] of flagged) console.log(`    ${label}: ${count}`);
console.log(`  screenshots: ${taken.length} in ${screenshots}`);
console.log(`  ${failures.length ? `${failures.length} failure(s)` : "all passed"} in ${elapsed(started)}`);
for (const failure of failures) console.log(`\n✗ ${failure}`);
process.exit(failures.length ? 1 : 0);
