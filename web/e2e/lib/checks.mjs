// The checks run on every main screen: accessibility with axe-core, no raw
// translation key or unfilled text on show, and no secret anywhere the
// browser keeps or logs.
import { readFile } from "node:fs/promises";

const axeSource = await readFile(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

/**
 * Runs axe on the page as it is; returns the `serious` and `critical`
 * violations, one line per rule with its first offending nodes.
 *
 * axe is loaded through the DevTools protocol (Runtime.evaluate), not a
 * <script> tag: the server's CSP forbids inline scripts, and the app must be
 * checked under that very policy, not a context that bypasses it.
 */
export async function axe(page) {
  const loaded = await page.evaluate(() => typeof globalThis.axe === "object");
  if (!loaded) {
    const cdp = await page.context().newCDPSession(page);
    const result = await cdp.send("Runtime.evaluate", { expression: axeSource });
    await cdp.detach();
    if (result.exceptionDetails) throw new Error(`axe-core did not load: ${result.exceptionDetails.text}`);
  }
  const violations = await page.evaluate(async () => {
    const result = await globalThis.axe.run(document, {
      resultTypes: ["violations"],
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")}: ${n.failureSummary?.split("\n")[1]?.trim() ?? ""}`),
      more: Math.max(0, v.nodes.length - 3),
    }));
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `[${v.impact}] ${v.id}: ${v.help}\n      ${v.nodes.join("\n      ")}${v.more ? `\n      …and ${v.more} more` : ""}`);
}

/**
 * Text that was never meant to be read: an untranslated key (`word.word`, as
 * the i18n tables name them), a `{hole}` left unfilled, or a value printed
 * raw (`undefined`, `NaN`, `Invalid Date`, `[object Object]`). Looks at text
 * nodes, labelling attributes and the title.
 */
export async function brokenText(page) {
  return page.evaluate(() => {
    const key = /^[a-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$/;
    const raw = /\{[a-z_]+\}|\bundefined\b|\bNaN\b|Invalid Date|\[object Object\]/;
    const found = [];
    const check = (text, where) => {
      if (key.test(text) || raw.test(text)) found.push(where ? `${where}="${text}"` : text);
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim() ?? "";
      if (text && node.parentElement?.closest("script,style") == null) check(text);
    }
    for (const element of document.querySelectorAll("[aria-label],[placeholder],[title],[alt]")) {
      for (const name of ["aria-label", "placeholder", "title", "alt"]) {
        const value = element.getAttribute(name)?.trim();
        if (value) check(value, name);
      }
    }
    check(document.title, "<title>");
    return [...new Set(found)];
  });
}

/**
 * Where each secret shows up in what the browser keeps, logged or sent.
 * Names in `sendable` (the password, which signing in sends) are only
 * looked for in storage and the console.
 */
export async function leaks(session, secrets, sendable = []) {
  const kept = await session.page.evaluate(() => {
    const all = [];
    for (const store of [localStorage, sessionStorage]) {
      for (let i = 0; i < store.length; i++) {
        const name = store.key(i);
        all.push(`${name}=${store.getItem(name)}`);
      }
    }
    return all.join("\n");
  });
  const logged = session.consoleText.join("\n");
  const found = [];
  for (const [name, secret] of Object.entries(secrets)) {
    if (kept.includes(secret)) found.push(`${name} is in web storage`);
    if (logged.includes(secret)) found.push(`${name} was written to the console`);
    const request = sendable.includes(name) ? null : session.sent.find((r) => r.includes(secret));
    if (request) found.push(`${name} was sent to ${request.split("\n")[0]}`);
  }
  return found;
}
