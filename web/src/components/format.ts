// Dates and digits as people read them, in the chosen language and in
// Brussels time (the service's time zone, whatever the phone says).
import { lang } from "../i18n";

const LOCALES = { fr: "fr-BE", nl: "nl-BE", en: "en-GB" } as const;
const ZONE = "Europe/Brussels";

/** `2027-03-15` or a timestamp → "15 March 2027". */
export function formatDate(value: string): string {
  // A civil date has no time zone: read it at noon UTC so no zone moves the day.
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(LOCALES[lang.value], { dateStyle: "long", timeZone: ZONE }).format(date);
}

/** A timestamp → "15 March 2027, 14:05". */
export function formatDateTime(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(LOCALES[lang.value], { dateStyle: "medium", timeStyle: "short", timeZone: ZONE }).format(date);
}

/** `14:00:00` → "14:00". */
export function formatTime(value: string): string {
  return value.slice(0, 5);
}

/** Digits in groups of five, as the command line shows them. */
export function groupDigits(digits: string, size = 5): string {
  const clean = digits.replace(/\s+/g, "");
  const groups: string[] = [];
  for (let i = 0; i < clean.length; i += size) groups.push(clean.slice(i, i + size));
  return groups.join(" ");
}

/** Today in Brussels, as `YYYY-MM-DD`, plus `days`. */
export function brusselsDate(days = 0): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  const base = new Date(`${parts}T12:00:00Z`);
  base.setUTCDate(base.getUTCDate() + days);
  return base.toISOString().slice(0, 10);
}
