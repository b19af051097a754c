// The main scenario, a message each way across both implementations:
// (0) Sophie, a worker, signs in at her desk and makes her key;
// (1) Nadia joins on her phone with her code, chooses a passphrase, and once
//     Karim's consent is recorded, writes to him: sealed in the browser;
// (2) Sophie opens it (browser to browser) and relays it;
// (3) the `passerelle` command line, Claire's Rust client, opens the message
//     the browser sealed (browser to Rust), then writes Karim's answer on his
//     behalf (Karim has no device);
// (4) Nadia reads the answer in the browser (Rust to browser).
import { open, at, noProblems } from "../lib/browser.mjs";
import { coordinator, cli } from "../lib/server.mjs";
import { signIn, join, choosePassphrase, reload, account, text } from "../lib/app.mjs";

export const name = "relay: browser ⇄ Rust, both ways";

/** Everything Karim's consent covers for his mother in these tests. */
const SCOPES = ["messages", "visits", "requests", "case_status", "release_plan"];
const OUT = "Bonjour Karim, c'est maman. On vient samedi, tiens bon. ❤";
const BACK = "Merci maman, à samedi. Dis bonjour à Lina.";

export async function run(ctx) {
  const { fixture, state } = ctx;
  const caseId = fixture.case;
  const worker = await open(ctx.browser, "desktop");
  const relative = await open(ctx.browser, "phone");
  state.sessions = { worker, relative };
  // What must never be stored, logged or sent in clear (see secrets.mjs).
  state.secrets = { passphrase: fixture.passphrase, password: fixture.password, "Nadia's message": OUT, "Karim's answer": BACK };

  // Sophie's key first: Nadia's browser seals to the keys the case has when
  // she writes, and Sophie must be able to open what she relays.
  await ctx.step("Sophie signs in at her desk and makes her key", async () => {
    await signIn(worker, fixture.worker.login, fixture.password);
    await ctx.screen(worker, "key-create");
    await choosePassphrase(worker, fixture.passphrase);
    await worker.page.getByRole("navigation", { name: text("work.nav.label"), exact: true }).waitFor();
    await ctx.screen(worker, "queue");
    state.workerReady = true;
    noProblems(worker, "signing in");
  });

  await ctx.step("Nadia joins with her code on her phone and chooses a passphrase", async () => {
    await join(relative, fixture.relative, fixture.password, (name) => ctx.screen(relative, name));
    await ctx.screen(relative, "key-create");
    await choosePassphrase(relative, fixture.passphrase);
    await ctx.screen(relative, "home");
    state.relativeAccount = await account(relative);
    state.relativeReady = true;
    noProblems(relative, "joining");
  });

  await ctx.step("Karim's consent for his mother is recorded (API, as Claire)", async () => {
    const claire = coordinator();
    await claire.post(`/cases/${caseId}/consents`, {
      grantee: state.relativeAccount,
      change: "grant",
      scopes: SCOPES,
      method: "in_person",
    });
  });

  await ctx.step("Nadia writes to Karim: sealed in her browser, pending relay", async () => {
    const page = relative.page;
    await page.goto(at(`#/case/${caseId}/messages`));
    await ctx.screen(relative, "messages-empty");
    const form = page.getByTestId("composer-form");
    await form.getByLabel(text("rel.msg.to_detainee", { name: fixture.detainee.display_name }), { exact: true }).check();
    await form.getByTestId("composer").fill(OUT);
    await ctx.screen(relative, "messages-compose");
    await form.getByTestId("send").click();
    const sent = page.locator('[data-testid="message"][data-direction="out"]').filter({ hasText: OUT }).first();
    await sent.waitFor();
    await waitForStatus(sent, "pending_relay");
    await ctx.screen(relative, "messages-sent");
    noProblems(relative, "sending");
  });

  await ctx.step("Sophie finds it in her queue, opens it in her browser and relays it", async () => {
    const page = worker.page;
    // Her desk has shown the queue since she signed in: she goes to her
    // cases and back to it, as she would to see what came in.
    await page.goto(at("#/work/cases"));
    await page.getByRole("link", { name: text("work.nav.queue"), exact: true }).click();
    await page.getByTestId("queue-item").first().waitFor();
    await ctx.screen(worker, "queue-with-message");
    await page.goto(at(`#/work/case/${caseId}/messages`));
    const pending = page.locator('[data-testid="message"][data-status="pending_relay"]').first();
    // Held by its id: relaying changes the status the row was found by.
    const row = page.locator(`[data-testid="message"][data-id="${await pending.getAttribute("data-id")}"]`);
    await row.getByTestId("open").click();
    await row.getByText(OUT, { exact: true }).waitFor();
    await ctx.screen(worker, "case-messages-opened");
    await row.getByTestId("relay").click();
    await waitForStatus(row, "delivered");
    noProblems(worker, "relaying");
  });

  await ctx.step("The Rust client opens the browser's message (browser → Rust)", async () => {
    const inbox = cli(["inbox", "--case", caseId]);
    if (!inbox.includes(`| ${OUT}`)) throw new Error(`Claire's inbox does not show the plaintext:\n${inbox}`);
    if (!inbox.includes(fixture.relative.display_name)) throw new Error(`sender missing:\n${inbox}`);
  });

  await ctx.step("Claire writes Karim's answer on his behalf with the Rust client", async () => {
    const out = cli(
      ["send", "--case", caseId, "--to", fixture.relative.display_name, "--on-behalf-of", fixture.detainee.display_name],
      BACK,
    );
    if (!out.includes("(delivered)")) throw new Error(`unexpected answer from send: ${out}`);
  });

  await ctx.step("Nadia reads the answer in her browser (Rust → browser)", async () => {
    const page = relative.page;
    await reload(relative, `#/case/${caseId}/messages`, fixture.passphrase);
    // Shown is read: the app opens it and tells the server so.
    const answer = page.locator('[data-testid="message"][data-direction="in"]').first();
    await answer.waitFor();
    const shown = await answer.getByTestId("message-text").textContent();
    if (shown?.trim() !== BACK) throw new Error(`the answer reads ${JSON.stringify(shown)}`);
    await waitForStatus(answer, "read");
    const mine = page.locator('[data-testid="message"][data-direction="out"]').filter({ hasText: OUT }).first();
    await waitForStatus(mine, "delivered");
    await ctx.screen(relative, "messages-answer");
    noProblems(relative, "reading");
  });

  await ctx.step("Nadia's fingerprint and safety number with Claire match the Rust client's", async () => {
    const claire = coordinator();
    const parties = await claire.get(`/cases/${caseId}/parties`);
    const keyOf = (account) => parties.find((p) => p.account === account)?.key?.public_key;
    const [nadiaKey, claireKey] = [keyOf(state.relativeAccount), keyOf(fixture.coordinator.account)];
    if (!nadiaKey || !claireKey) throw new Error("a key is missing from the case's parties");
    const digits = (s) => s.replace(/\D/g, "");
    const rustFingerprint = digits(cli(["fingerprint", nadiaKey]));
    const rustSafety = digits(cli(["fingerprint", nadiaKey, "--with", claireKey]).split("QR:")[0]);
    const page = relative.page;
    await page.goto(at("#/key"));
    const shownFingerprint = digits((await page.getByTestId("fingerprint").textContent()) ?? "");
    const card = page.getByTestId("safety-number").filter({ hasText: fixture.coordinator.display_name });
    const shownSafety = digits((await card.locator(".digits").textContent()) ?? "");
    await ctx.screen(relative, "my-key");
    if (shownFingerprint !== rustFingerprint) throw new Error(`fingerprint: browser ${shownFingerprint}, Rust ${rustFingerprint}`);
    if (shownSafety !== rustSafety) throw new Error(`safety number: browser ${shownSafety}, Rust ${rustSafety}`);
  });

}

/** Waits until `item` carries `data-status=status`. */
export async function waitForStatus(item, status, timeout = 10_000) {
  const since = Date.now();
  for (;;) {
    const now = await item.getAttribute("data-status");
    if (now === status) return;
    if (Date.now() - since > timeout) throw new Error(`status stayed ${now}, expected ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
