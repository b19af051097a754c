// Keyboard only, on a fresh phone: from the top of the sign-in screen, Tab
// reaches the login field with a visible focus at every stop, and the
// person signs in without touching the screen. It stops at the key screen:
// making a key here would replace Claire's.
import { open, at } from "../lib/browser.mjs";
import { text } from "../lib/app.mjs";

export const name = "keyboard: sign in with the keyboard alone";
const MAX_TABS = 12;

export async function run(ctx) {
  const { fixture } = ctx;
  const session = await open(ctx.browser, "phone");
  const page = session.page;
  try {
    await ctx.step("Tab reaches the login field, every stop visibly focused", async () => {
      await page.goto(at());
      const login = page.getByTestId("signin-form").getByLabel(text("signin.login"), { exact: true });
      await login.waitFor();
      const stops = [];
      for (let i = 0; i < MAX_TABS; i++) {
        await page.keyboard.press("Tab");
        const stop = await page.evaluate(() => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const style = getComputedStyle(el);
          const visible = (style.outlineStyle !== "none" && style.outlineWidth !== "0px") || style.boxShadow !== "none";
          return { what: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${(el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 30)}"`, visible };
        });
        if (!stop) continue;
        stops.push(stop);
        if (!stop.visible) throw new Error(`no visible focus on ${stop.what}`);
        if (await login.evaluate((el) => el === document.activeElement)) return;
      }
      throw new Error(`the login field is not among the first ${MAX_TABS} stops: ${stops.map((s) => s.what).join(", ")}`);
    });

    await ctx.step("login, Tab, password, Enter: signed in", async () => {
      await page.keyboard.type(fixture.coordinator.login);
      await page.keyboard.press("Tab");
      await page.keyboard.type(fixture.password);
      await page.keyboard.press("Enter");
      await page.getByTestId("passphrase-form").waitFor();
    });
  } finally {
    await session.context.close();
  }
}
