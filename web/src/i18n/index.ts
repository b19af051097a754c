// The app's three languages, each in three tables: common (the shell, sign-in,
// keys), relative and worker. English is the reference: the French and Dutch
// tables must hold exactly its keys (the type below fails the build on a
// missing one, and test/i18n.test.ts on an extra or empty one).
import { signal } from "@preact/signals";
import enCommon from "./en/common.json";
import enRelative from "./en/relative.json";
import enWorker from "./en/worker.json";
import frCommon from "./fr/common.json";
import frRelative from "./fr/relative.json";
import frWorker from "./fr/worker.json";
import nlCommon from "./nl/common.json";
import nlRelative from "./nl/relative.json";
import nlWorker from "./nl/worker.json";

const en = { ...enCommon, ...enRelative, ...enWorker };
export type Key = keyof typeof en;
export type Lang = "fr" | "nl" | "en";
type Table = Record<Key, string>;

const tables: Record<Lang, Table> = {
  en,
  fr: { ...frCommon, ...frRelative, ...frWorker },
  nl: { ...nlCommon, ...nlRelative, ...nlWorker },
};
export const languages: { code: Lang; name: string }[] = [
  { code: "fr", name: "Français" },
  { code: "nl", name: "Nederlands" },
  { code: "en", name: "English" },
];

const STORAGE_KEY = "passerelle.lang";

function initial(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === "fr" || saved === "nl" || saved === "en") return saved;
  for (const wanted of navigator.languages ?? [navigator.language]) {
    const code = wanted.slice(0, 2).toLowerCase();
    if (code === "fr" || code === "nl" || code === "en") return code;
  }
  return "fr";
}

export const lang = signal<Lang>(initial());

/** Chooses a language and remembers it on this device. */
export function setLang(code: Lang): void {
  localStorage.setItem(STORAGE_KEY, code);
  lang.value = code;
  document.documentElement.lang = code;
}

/** The text for `key` in the current language, with `{name}` holes filled. */
export function t(key: Key, vars?: Record<string, string | number>): string {
  let text = tables[lang.value][key];
  if (vars) {
    for (const [name, value] of Object.entries(vars)) {
      text = text.replaceAll(`{${name}}`, String(value));
    }
  }
  return text;
}
