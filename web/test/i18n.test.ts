// Every string is translated: French and Dutch hold exactly the English keys,
// none is empty, and every key the sources name exists.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

// Tests run from web/ (see run.mjs), bundled elsewhere: paths start there.
const root = `${process.cwd()}/src/`;
const areas = ["common", "relative", "worker"];
const table = (lang: string) =>
  Object.assign({}, ...areas.map((area) => JSON.parse(readFileSync(`${root}i18n/${lang}/${area}.json`, "utf8"))));

const en: Record<string, string> = table("en");

for (const lang of ["fr", "nl"]) {
  test(`${lang} has exactly the English keys, none empty`, () => {
    const other: Record<string, string> = table(lang);
    assert.deepEqual(Object.keys(other).sort(), Object.keys(en).sort());
    for (const [key, text] of Object.entries(other)) assert.ok(text.trim(), `${lang}: ${key} is empty`);
  });
  test(`${lang} keeps every {placeholder} of the English text`, () => {
    const other: Record<string, string> = table(lang);
    const holes = (text: string) => (text.match(/\{[a-z_]+\}/g) ?? []).sort();
    for (const [key, text] of Object.entries(en)) assert.deepEqual(holes(other[key] ?? ""), holes(text), `${lang}: ${key}`);
  });
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

test("every key used in the sources exists", () => {
  const missing: string[] = [];
  for (const file of sources(root)) {
    for (const match of readFileSync(file, "utf8").matchAll(/\bt\(\s*"([^"]+)"/g)) {
      if (!(match[1]! in en)) missing.push(`${file}: ${match[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});
