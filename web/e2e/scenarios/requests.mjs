// A practical request, the other kind of sealed content: Nadia files one on
// her phone with its description sealed in the browser; the Rust client
// opens that description (browser → Rust, content type "request"); Sophie
// opens it at her desk and acknowledges it; Nadia sees it acknowledged.
import { at, noProblems } from "../lib/browser.mjs";
import { cli } from "../lib/server.mjs";
import { text } from "../lib/app.mjs";
import { waitForStatus } from "./relay.mjs";

export const name = "requests: a sealed practical request";
const DESCRIPTION = "Karim a besoin de vêtements chauds et de sa carte d'identité pour le CPAS.";

export async function run(ctx) {
  const { fixture, state } = ctx;
  const { worker, relative } = state.sessions ?? {};
  if (!state.relativeReady || !state.workerReady) throw new Error("needs the relay scenario's signed-in sessions");
  state.secrets["the request"] = DESCRIPTION;
  const caseId = fixture.case;
  let id;

  await ctx.step("Nadia files a request with a sealed description", async () => {
    const page = relative.page;
    await page.goto(at(`#/case/${caseId}/requests/new`));
    const form = page.getByTestId("request-form");
    await form.getByLabel(text("rel.req.category"), { exact: true }).selectOption("clothing_and_linen");
    await form.locator('input[type="radio"][value="high"]').check();
    await form.getByTestId("request-description").fill(DESCRIPTION);
    await ctx.screen(relative, "request-filled");
    await form.getByTestId("request-submit").click();
    const filed = page.locator('[data-testid="request"]').filter({ hasText: DESCRIPTION }).first();
    await filed.waitFor();
    await waitForStatus(filed, "submitted");
    noProblems(relative, "filing a request");
  });

  await ctx.step("The Rust client opens its description (browser → Rust)", async () => {
    const list = cli(["request", "list", "--case", caseId]);
    id = list.match(/Request (\S+) \[submitted\] clothing_and_linen \(high\)/)?.[1];
    if (!id) throw new Error(`the request is not listed as filed:\n${list}`);
    const shown = cli(["request", "show", id]);
    if (!shown.includes(`| ${DESCRIPTION}`)) throw new Error(`the description did not open:\n${shown}`);
  });

  await ctx.step("Sophie opens it at her desk and acknowledges it", async () => {
    const page = worker.page;
    await page.goto(at(`#/work/case/${caseId}/requests`));
    const row = page.locator(`[data-testid="request"][data-id="${id}"]`);
    await row.getByTestId("open").click();
    await row.getByText(DESCRIPTION, { exact: true }).waitFor();
    await ctx.screen(worker, "case-request-opened");
    await row.getByTestId("acknowledge").click();
    await waitForStatus(row, "acknowledged");
    noProblems(worker, "acknowledging");
  });

  await ctx.step("Nadia sees it acknowledged", async () => {
    const page = relative.page;
    await page.goto(at(`#/case/${caseId}`));
    await page.goto(at(`#/case/${caseId}/requests`));
    const filed = page.locator('[data-testid="request"]').filter({ hasText: DESCRIPTION }).first();
    await waitForStatus(filed, "acknowledged");
    await ctx.screen(relative, "requests-acknowledged");
  });
}
