// Hash routing: every screen lives after `#`, so the server serves one page
// and a reload or a shared link lands on the same screen.
import { signal } from "@preact/signals";

function current(): string {
  const hash = location.hash.replace(/^#/, "");
  return hash.startsWith("/") ? hash : "/";
}

/** The path after `#`, always starting with `/`. */
export const route = signal<string>(current());

addEventListener("hashchange", () => {
  route.value = current();
});

/** Goes to `path` (for example `/case/…/messages`). */
export function navigate(path: string): void {
  if (current() === path) route.value = path;
  else location.hash = path;
}

/** The route's parts: `/case/abc/messages` → `["case", "abc", "messages"]`. */
export function parts(path: string = route.value): string[] {
  return path.split("/").filter(Boolean).map(decodeURIComponent);
}

/** The href for a route, to use in links. */
export const href = (path: string): string => `#${path}`;
