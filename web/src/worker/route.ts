// The desk's places, read from the shell's hash route (`#/work/...`), so
// that the back button, bookmarks and a reload all land on the same screen.
import { computed } from "@preact/signals";
import { parts, route as path } from "../components/router";

export type Route =
  | { screen: "queue" }
  | { screen: "cases" }
  | { screen: "case"; id: string; tab: string; item?: string }
  | { screen: "receipt"; id: string; consent: string }
  | { screen: "directory" }
  | { screen: "reports" };

export function parse(p: string[]): Route {
  if (p[0] !== "work") return { screen: "queue" };
  switch (p[1]) {
    case "cases":
      return { screen: "cases" };
    case "case":
      if (!p[2]) return { screen: "cases" };
      if (p[3] === "receipt" && p[4]) return { screen: "receipt", id: p[2], consent: p[4] };
      return { screen: "case", id: p[2], tab: p[3] ?? "overview", item: p[4] };
    case "directory":
      return { screen: "directory" };
    case "reports":
      return { screen: "reports" };
    default:
      return { screen: "queue" };
  }
}

/** The hash of a place on the desk. */
export function href(...segments: string[]): string {
  return "#/work" + segments.map((s) => "/" + encodeURIComponent(s)).join("");
}

export const route = computed<Route>(() => parse(parts(path.value)));
