// The release plan: Sophie ticks off the identity card at her desk and adds
// a note sealed in her browser; the Rust client shows the item done and
// opens the note (worker's browser → Rust, content type "plan_note"); Nadia,
// whom Karim lets see the plan, sees the item done.
import { at, noProblems } from "../lib/browser.mjs";
import { cli } from "../lib/server.mjs";
import { text } from "../lib/app.mjs";
import { waitForStatus } from "./relay.mjs";

export const name = "plan: a checklist item done, a sealed note";
const NOTE = "Rendez-vous à la commune le 12 pour la carte d'identité, avec la photo.";

export async function run(ctx) {
  const { fixture, state } = ctx;
  const { worker, relative } = state.sessions ?? {};
  if (!state.relativeReady || !state.workerReady) throw new Error("needs the relay scenario's signed-in sessions");
  state.secrets["the plan note"] = NOTE;
  const caseId = fixture.case;

  await ctx.step("Sophie marks the identity card done and adds a sealed note", async () => {
    const page = worker.page;
    await page.goto(at(`#/work/case/${caseId}/plan`));
    const item = page.locator('[data-testid="plan-item"][data-key="identity_card"]');
    await item.getByTestId("plan-done").click();
    await waitForStatus(item, "done");
    await item.getByRole("textbox").fill(NOTE);
    await item.getByRole("button", { name: text("work.plan.add_note"), exact: true }).click();
    await item.getByRole("button", { name: text("work.plan.open_note"), exact: true }).click();
    await item.getByText(NOTE, { exact: true }).waitFor();
    await ctx.screen(worker, "case-plan-note");
    noProblems(worker, "working on the plan");
  });

  await ctx.step("The Rust client shows it done and opens the note (worker's browser → Rust)", async () => {
    const plan = cli(["plan", "show", "--case", caseId]);
    if (!/identity_card\s+due \S+\s+done/.test(plan)) throw new Error(`the item is not done:\n${plan}`);
    if (!plan.includes(`Note: ${NOTE}`)) throw new Error(`the note did not open:\n${plan}`);
  });

  await ctx.step("Nadia sees the identity card done", async () => {
    const page = relative.page;
    await page.goto(at(`#/case/${caseId}/situation`));
    const done = page.getByTestId("release-plan").getByTestId("plan-item").filter({ hasText: text("rel.plan.item.identity_card") });
    await waitForStatus(done, "done");
    noProblems(relative, "reading the plan");
  });
}
