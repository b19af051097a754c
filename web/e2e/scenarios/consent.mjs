// Consent decides what a relative sees: Nadia sees Karim's release plan;
// Sophie records, at her desk, that Karim withdrew `release_plan`; after a
// reload Nadia's plan section no longer shows it, while the case status
// (still shared) stays.
import { at, noProblems } from "../lib/browser.mjs";
import { reload, text } from "../lib/app.mjs";

export const name = "consent: a revoked scope disappears";

export async function run(ctx) {
  const { fixture, state } = ctx;
  const { worker, relative } = state.sessions ?? {};
  if (!state.relativeReady || !state.workerReady) throw new Error("needs the relay scenario's signed-in sessions");
  const caseId = fixture.case;
  // The date as the app writes it in English (see components/format.ts).
  const releaseDate = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "Europe/Brussels" }).format(
    new Date(`${fixture.plan.release_date}T12:00:00Z`),
  );
  const plan = relative.page.getByTestId("release-plan");
  const status = relative.page.getByTestId("case-status");

  await ctx.step("Nadia sees the release date and the case status", async () => {
    await relative.page.goto(at(`#/case/${caseId}/situation`));
    await relative.page.locator('[data-testid="release-plan"][data-shared="true"]').waitFor();
    await plan.getByText(releaseDate).first().waitFor();
    await status.getByText("Prison de Haren").first().waitFor();
    await ctx.screen(relative, "situation-shared");
  });

  await ctx.step("Sophie records the withdrawal of release_plan in the consent form", async () => {
    const page = worker.page;
    await page.goto(at(`#/work/case/${caseId}/consent`));
    const form = page.getByTestId("consent-form");
    await form.waitFor();
    await ctx.screen(worker, "case-consent");
    await form.getByLabel(text("work.consent.relative"), { exact: true }).selectOption(state.relativeAccount);
    await form.getByTestId("consent-revoke").check();
    await form.locator('input[name="scope"][value="release_plan"]').check();
    await form.getByTestId("consent-submit").click();
    await form.getByText(text("work.consent.recorded")).first().waitFor();
    noProblems(worker, "recording consent");
  });

  await ctx.step("After a reload, Nadia's release plan is gone; the case status stays", async () => {
    await reload(relative, `#/case/${caseId}/situation`, fixture.passphrase);
    await status.getByText("Prison de Haren").first().waitFor();
    await relative.page.locator('[data-testid="release-plan"][data-shared="false"]').waitFor();
    const shown = (await plan.textContent()) ?? "";
    if (shown.includes(releaseDate)) throw new Error(`the plan is still shown: ${shown}`);
    await ctx.screen(relative, "situation-plan-withdrawn");
    noProblems(relative, "reading the situation");
  });
}
