// Headless Chromium, the two devices the app is made for, and what every
// page is watched for: uncaught errors, console errors (a CSP violation is
// one), server errors. Console text and every request sent are kept, to
// check that no secret is ever logged or leaves the page.
import { chromium as playwright } from "playwright-core";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { url, chromium, assets, screenshots, headed } from "./env.mjs";

export const devices = {
  phone: {
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  },
  desktop: { viewport: { width: 1280, height: 800 } },
  /** The narrowest desk the worker's side is made for. */
  tablet: { viewport: { width: 768, height: 1024 } },
};

export async function launch() {
  return playwright.launch({ executablePath: chromium, headless: !headed });
}

/**
 * A fresh browser profile on `device`, in `lang` until the person picks
 * another one with the language picker.
 */
export async function open(browser, device, { lang = "en" } = {}) {
  const context = await browser.newContext({ ...devices[device], locale: "en-GB" });
  await context.addInitScript((code) => {
    if (!localStorage.getItem("passerelle.lang")) localStorage.setItem("passerelle.lang", code);
  }, lang);
  if (assets) await serveFreshAssets(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems = [];
  const consoleText = [];
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("console", (message) => {
    consoleText.push(message.text());
    // A refused API call (a 403 the screen explains kindly) is logged by
    // Chromium as a failed resource: not a fault; 5xx are caught below.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  // Everything the page sent, to check that no secret ever left it.
  const sent = [];
  page.on("request", (request) => sent.push(`${request.url()}\n${request.postData() ?? ""}`));
  page.on("response", (response) => {
    if (response.status() >= 500) problems.push(`${response.status()} from ${response.url()}`);
  });
  return { device, context, page, problems, consoleText, sent };
}

/** The app's address, at `hash` (`#/…`) if given. */
export function at(hash = "") {
  return `${url}/${hash}`;
}

/** Replaces the embedded assets by the files in PASSERELLE_E2E_ASSETS, with
 * the server's own headers (its CSP above all). */
async function serveFreshAssets(context) {
  const files = { "/": "index.html", "/app.js": "app.js", "/app.css": "app.css" };
  await context.route(
    (target) => target.origin === url && target.pathname in files,
    async (route) => {
      const answer = await route.fetch();
      const headers = { ...answer.headers() };
      delete headers["content-encoding"];
      delete headers["content-length"];
      const path = new URL(route.request().url()).pathname;
      const body = await readFile(join(assets, files[path]));
      await route.fulfill({ status: answer.status(), headers, body });
    },
  );
}

/** Every screenshot file written in this run. */
export const taken = [];

/** A screenshot of the whole page, named after the device and the screen. */
export async function shot(session, name) {
  const file = join(screenshots, `${session.device}-${name}.png`);
  await session.page.screenshot({ path: file, fullPage: true });
  taken.push(file);
  return file;
}

/** Fails if the page has shown an error so far. */
export function noProblems(session, where) {
  if (session.problems.length) {
    const list = session.problems.splice(0).join("\n  ");
    throw new Error(`${where} (${session.device}):\n  ${list}`);
  }
}

/** Waits until the screen has stopped loading: no request in flight for a
 * moment, and nothing marked busy. */
export async function settle(page) {
  await page.waitForLoadState("networkidle", { timeout: 5_000 }).catch(() => {});
  await page
    .waitForFunction(() => !document.querySelector("[aria-busy=true]"), null, { timeout: 5_000 })
    .catch(() => {});
}
