// A visit request: Nadia asks on her phone, with her daughter's age and a
// note sealed in the browser; the Rust client opens the note (browser →
// Rust, content type "visit") and takes the request through to a scheduled
// visit; Nadia's phone shows where and when.
import { at, noProblems } from "../lib/browser.mjs";
import { cli } from "../lib/server.mjs";
import { text } from "../lib/app.mjs";
import { waitForStatus } from "./relay.mjs";

export const name = "visits: a sealed visit request, scheduled";
const NOTE = "Je viendrai avec Lina (9 ans). Elle a hâte de voir son papa.";
const PLACE = "Prison de Haren, parloir 2";

export async function run(ctx) {
  const { fixture, state } = ctx;
  const { relative } = state.sessions ?? {};
  if (!state.relativeReady) throw new Error("needs the relay scenario's signed-in sessions");
  state.secrets["the visit note"] = NOTE;
  const caseId = fixture.case;
  let id;

  await ctx.step("Nadia asks for a visit with her daughter, with a sealed note", async () => {
    const page = relative.page;
    await page.goto(at(`#/case/${caseId}/visits/new`));
    const form = page.getByTestId("visit-form");
    await form.locator('input[type="radio"][value="ordinary"]').check();
    await form.getByRole("button", { name: text("rel.visit.child_add"), exact: true }).click();
    await form.getByLabel(text("rel.visit.child_age", { n: 1 }), { exact: true }).fill("9");
    await form.getByTestId("visit-note").fill(NOTE);
    await ctx.screen(relative, "visit-filled");
    await form.getByTestId("visit-submit").click();
    await waitForStatus(page.getByTestId("visit").first(), "submitted");
    noProblems(relative, "asking for a visit");
  });

  await ctx.step("The Rust client opens the note and schedules the visit", async () => {
    const list = cli(["visit", "list", "--case", caseId]);
    id = list.match(/Visit (\S+) \[submitted\] ordinary/)?.[1];
    if (!id) throw new Error(`the visit is not listed as asked:\n${list}`);
    if (!list.includes("Visitors: 1 adult(s), minors aged 9")) throw new Error(`the visitors are wrong:\n${list}`);
    const shown = cli(["visit", "show", id]);
    if (!shown.includes(`Note: ${NOTE}`)) throw new Error(`the note did not open:\n${shown}`);
    const day = shown.match(/Preferred: (\d{4}-\d{2}-\d{2})/)?.[1];
    cli(["visit", "step", id, "review"]);
    cli(["visit", "step", id, "forward", "--reference", "HAR-2291"]);
    cli(["visit", "step", id, "schedule", "--date", day, "--time", "14:30", "--place", PLACE]);
  });

  await ctx.step("Nadia's phone shows the visit scheduled, with its place", async () => {
    const page = relative.page;
    await page.goto(at(`#/case/${caseId}`));
    await page.goto(at(`#/case/${caseId}/visits`));
    const visit = page.getByTestId("visit").first();
    await waitForStatus(visit, "scheduled");
    await visit.getByText(PLACE).first().waitFor();
    await ctx.screen(relative, "visit-scheduled");
  });
}
