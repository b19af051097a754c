// Every main screen, once the case has traffic: a screenshot and an axe
// pass in English, the relative's screens on the phone and then on a
// desktop-wide window, the worker's at the desk and on a 768-px tablet;
// then each screen again in French and Dutch, screenshotted, failing on any
// text that is still a raw key, an unfilled {hole} or a value printed raw.
// Screens are reached through the hash, so the unlocked key stays in memory.
import { at, devices, shot } from "../lib/browser.mjs";

export const name = "screens: axe, screenshots, translations";

function relativeScreens(caseId) {
  return [
    ["home", "#/"],
    ["case", `#/case/${caseId}`],
    ["messages", `#/case/${caseId}/messages`],
    ["requests", `#/case/${caseId}/requests`],
    ["request-new", `#/case/${caseId}/requests/new`],
    ["visits", `#/case/${caseId}/visits`],
    ["visit-new", `#/case/${caseId}/visits/new`],
    ["situation", `#/case/${caseId}/situation`],
    ["key", "#/key"],
    ["access", "#/access"],
  ];
}

function workerScreens(caseId) {
  const tab = (name) => [`case-${name}`, `#/work/case/${caseId}/${name}`];
  return [
    ["queue", "#/work"],
    ["cases", "#/work/cases"],
    tab("overview"),
    tab("messages"),
    tab("consent"),
    tab("restrictions"),
    tab("invitations"),
    tab("requests"),
    tab("visits"),
    tab("plan"),
    ["directory", "#/work/directory"],
  ];
}

export async function run(ctx) {
  const { fixture, state } = ctx;
  const { worker, relative } = state.sessions ?? {};
  if (!state.relativeReady || !state.workerReady) throw new Error("needs the relay scenario's signed-in sessions");
  const lists = [
    [relative, relativeScreens(fixture.case), ["phone", "desktop"]],
    [worker, workerScreens(fixture.case), ["desktop", "tablet"]],
  ];

  for (const [session, screens, sizes] of lists) {
    for (const size of sizes) {
      await ctx.step(`${session === worker ? "worker" : "relative"} screens on ${size}: screenshots and axe`, async () => {
        await session.page.setViewportSize(devices[size].viewport);
        session.device = size;
        for (const [screen, hash] of screens) {
          await session.page.goto(at(hash));
          await ctx.screen(session, `${session === worker ? "worker" : "relative"}-${screen}`);
        }
      });
    }
    session.device = sizes[0];
    await session.page.setViewportSize(devices[sizes[0]].viewport);
  }

  await ctx.step("every screen in French and Dutch shows no raw key or broken text", async () => {
    const found = [];
    for (const [session, screens] of lists) {
      for (const code of ["fr", "nl"]) {
        await session.page.getByTestId("language").selectOption(code);
        await session.page.locator(`html[lang="${code}"]`).waitFor({ state: "attached" });
        const side = session === worker ? "worker" : "relative";
        for (const [screen, hash] of screens) {
          await session.page.goto(at(hash));
          for (const text of await ctx.brokenTextNow(session)) found.push(`${code} ${session.device}/${screen}: ${text}`);
          await shot(session, `${code}-${side}-${screen}`);
        }
      }
      await session.page.getByTestId("language").selectOption("en");
    }
    if (found.length) throw new Error(`broken text:\n  ${found.join("\n  ")}`);
  });
}
