// The worker's own sealing, and a held message: Sophie holds Nadia's second
// message with a reason Nadia then reads; Sophie writes, in her browser, a
// message on Karim's behalf; the Rust client opens it (worker's browser →
// Rust), and so does Nadia's phone (worker's browser → relative's browser).
import { at, noProblems } from "../lib/browser.mjs";
import { cli } from "../lib/server.mjs";
import { text } from "../lib/app.mjs";
import { waitForStatus } from "./relay.mjs";

export const name = "desk: hold with a reason, write on behalf";
const QUESTION = "Et le colis, il est arrivé ?";
const REASON = "À voir avec Karim lors de la visite de jeudi.";
const ON_BEHALF = "Maman, le colis est bien arrivé. Merci pour le pull.";

export async function run(ctx) {
  const { fixture, state } = ctx;
  const { worker, relative } = state.sessions ?? {};
  if (!state.relativeReady || !state.workerReady) throw new Error("needs the relay scenario's signed-in sessions");
  state.secrets["Sophie's message"] = ON_BEHALF;
  const caseId = fixture.case;
  const messages = `#/case/${caseId}/messages`;
  const desk = `#/work/case/${caseId}/messages`;

  await ctx.step("Nadia asks a question; Sophie holds it with a reason", async () => {
    const form = relative.page.getByTestId("composer-form");
    await relative.page.goto(at(messages));
    await form.getByLabel(text("rel.msg.to_detainee", { name: fixture.detainee.display_name }), { exact: true }).check();
    await form.getByTestId("composer").fill(QUESTION);
    await form.getByTestId("send").click();
    await relative.page.locator('[data-testid="message"][data-direction="out"]').filter({ hasText: QUESTION }).waitFor();

    const page = worker.page;
    await page.goto(at(`#/work/case/${caseId}/overview`));
    await page.goto(at(desk));
    const pending = page.locator('[data-testid="message"][data-status="pending_relay"]');
    const row = page.locator(`[data-testid="message"][data-id="${await pending.getAttribute("data-id")}"]`);
    await row.getByTestId("hold").click();
    await row.getByLabel(text("work.msg.hold_reason"), { exact: true }).fill(REASON);
    await row.getByTestId("hold-submit").click();
    await waitForStatus(row, "held");
    noProblems(worker, "holding");
  });

  await ctx.step("Nadia sees it held, with Sophie's reason", async () => {
    await relative.page.goto(at(`#/case/${caseId}`));
    await relative.page.goto(at(messages));
    const held = relative.page.locator('[data-testid="message"][data-direction="out"]').filter({ hasText: QUESTION });
    await waitForStatus(held, "held");
    await held.getByText(text("rel.msg.held_reason", { reason: REASON })).waitFor();
    await ctx.screen(relative, "messages-held");
  });

  await ctx.step("Sophie writes Karim's answer on his behalf, sealed in her browser", async () => {
    const page = worker.page;
    await page.getByText(text("work.msg.write"), { exact: true }).click();
    const form = page.getByTestId("compose");
    await form.getByTestId("on-behalf").check();
    await form.getByLabel(fixture.relative.display_name).check();
    await form.getByLabel(text("work.msg.text"), { exact: true }).fill(ON_BEHALF);
    await ctx.screen(worker, "case-messages-compose");
    await form.getByTestId("send").click();
    await form.getByText(text("work.msg.sent"), { exact: true }).waitFor();
    noProblems(worker, "writing on behalf");
  });

  await ctx.step("The Rust client opens Sophie's message (worker's browser → Rust)", async () => {
    const inbox = cli(["inbox", "--case", caseId]);
    if (!inbox.includes(`| ${ON_BEHALF}`)) throw new Error(`Claire cannot read Sophie's message:\n${inbox}`);
  });

  await ctx.step("Nadia reads it on her phone", async () => {
    await relative.page.goto(at(`#/case/${caseId}`));
    await relative.page.goto(at(messages));
    const answer = relative.page.locator('[data-testid="message"][data-direction="in"]').filter({ hasText: ON_BEHALF });
    await waitForStatus(answer, "read");
    noProblems(relative, "reading Sophie's message");
  });
}
