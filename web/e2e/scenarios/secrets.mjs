// Last, over everything the other scenarios did: no passphrase or plaintext
// in web storage, in the console, or in any request either page sent (the
// password only where signing in sends it).
import { leaks } from "../lib/checks.mjs";

export const name = "secrets: nothing stored, logged or sent in clear";

export async function run(ctx) {
  const { state } = ctx;
  if (!state.sessions || !state.secrets) throw new Error("needs the relay scenario's sessions");
  await ctx.step(`none of ${Object.keys(state.secrets).join(", ")}`, async () => {
    const found = [];
    for (const session of Object.values(state.sessions)) {
      found.push(...(await leaks(session, state.secrets, ["password"])).map((f) => `${session.device}: ${f}`));
    }
    if (found.length) throw new Error(found.join("\n"));
  });
}
