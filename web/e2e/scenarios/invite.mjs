// An invitation made at the desk: Sophie creates a code for Karim's brother
// in the worker's screen, shown large enough to read out; Samir joins with
// it from the Rust command line, exactly as read off the screen.
import { join as joinPath, dirname } from "node:path";
import { at, noProblems } from "../lib/browser.mjs";
import { cli } from "../lib/server.mjs";
import { text } from "../lib/app.mjs";

export const name = "invite: a code made at the desk";

export async function run(ctx) {
  const { fixture, state } = ctx;
  const { worker } = state.sessions ?? {};
  if (!state.workerReady) throw new Error("needs the relay scenario's signed-in sessions");
  let code;

  await ctx.step("Sophie makes an invitation code for Karim's brother", async () => {
    const page = worker.page;
    await page.goto(at(`#/work/case/${fixture.case}/invitations`));
    const form = page.getByTestId("invite-form");
    await form.getByLabel(text("work.invite.relative"), { exact: true }).check();
    await form.getByLabel(text("work.invite.relationship"), { exact: true }).selectOption("sibling");
    await form.getByTestId("invite-submit").click();
    const shown = page.getByTestId("invitation-code");
    await shown.waitFor();
    code = ((await shown.textContent()) ?? "").trim();
    if (code.length < 8) throw new Error(`the code shown is ${JSON.stringify(code)}`);
    await ctx.screen(worker, "case-invitation-code");
    noProblems(worker, "inviting");
  });

  await ctx.step("Samir joins with it from the Rust client", async () => {
    const samir = joinPath(dirname(fixture.coordinator.profile), "samir");
    const args = ["join", "--server", fixture.url, "--code", code, "--login", "samir", "--display-name", "Samir Benali"];
    const out = cli(args, "", samir);
    if (!out.includes(`Joined case ${fixture.case} as relative`)) throw new Error(`unexpected: ${out}`);
  });
}
