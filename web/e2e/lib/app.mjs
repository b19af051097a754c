// The shell's doors, as a person goes through them: sign in or join, then
// make or unlock the device key. Fields are found by their English labels,
// read from the app's own tables, so a reworded label breaks nothing and a
// removed one fails with its key's name.
import { readFileSync } from "node:fs";
import { at } from "./browser.mjs";

const tables = ["common", "relative", "worker"].map((name) =>
  JSON.parse(readFileSync(new URL(`../../src/i18n/en/${name}.json`, import.meta.url), "utf8")),
);
const en = Object.assign({}, ...tables);

/** The English text of `key`, with `{holes}` filled from `vars`. */
export function text(key, vars = {}) {
  const found = en[key];
  if (found === undefined) throw new Error(`no English text for ${key}`);
  return Object.entries(vars).reduce((s, [name, value]) => s.replaceAll(`{${name}}`, String(value)), found);
}

/** The form control labelled with the text of `key`, inside `scope`. */
export const field = (scope, key) => scope.getByLabel(text(key), { exact: true });
/** The button named with the text of `key`. */
export const button = (scope, key) => scope.getByRole("button", { name: text(key), exact: true });

// Argon2id runs in the page, on a shared CI core: give it time.
const KEY_TIMEOUT = 60_000;

export async function signIn({ page }, login, password) {
  await page.goto(at());
  const form = page.getByTestId("signin-form");
  await field(form, "signin.login").fill(login);
  await field(form, "signin.password").fill(password);
  await button(form, "signin.submit").click();
  await page.getByTestId("passphrase-form").waitFor();
}

/** Joins from the sign-in screen, as a relative given a code would. */
export async function join(session, { code, login, display_name }, password, screen) {
  const { page } = session;
  await page.goto(at());
  await page.getByRole("link", { name: text("signin.to_join"), exact: true }).click();
  const form = page.getByTestId("join-form");
  await form.waitFor();
  await screen?.("join");
  await field(form, "join.code").fill(code);
  await field(form, "join.name").fill(display_name);
  await field(form, "join.login").fill(login);
  await field(form, "join.password").fill(password);
  await button(form, "join.submit").click();
  await page.getByTestId("passphrase-form").waitFor();
}

/** Chooses the passphrase of a new device key; returns once the app shows. */
export async function choosePassphrase({ page }, passphrase) {
  const form = page.getByTestId("passphrase-form");
  await field(form, "key.passphrase").fill(passphrase);
  await field(form, "key.passphrase_again").fill(passphrase);
  await button(form, "key.create").click();
  await form.waitFor({ state: "detached", timeout: KEY_TIMEOUT });
}

/** Unlocks this browser's key after a reload. */
export async function unlock({ page }, passphrase) {
  const form = page.getByTestId("passphrase-form");
  await field(form, "key.passphrase").fill(passphrase);
  await button(form, "key.unlock").click();
  await form.waitFor({ state: "detached", timeout: KEY_TIMEOUT });
}

/** Reloads at `hash` and unlocks the key the reload forgot. */
export async function reload(session, hash, passphrase) {
  await session.page.goto(at(hash));
  await session.page.reload();
  await unlock(session, passphrase);
}

/** The signed-in account, as the shell keeps it for this tab. */
export async function account({ page }) {
  const saved = await page.evaluate(() => sessionStorage.getItem("passerelle.session"));
  if (!saved) throw new Error("no session in this tab");
  return JSON.parse(saved).account;
}
