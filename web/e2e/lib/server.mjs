// The world outside the browser: the HTTP API as a staff member calls it
// from Node (for the steps no screen is under test for), and the `passerelle`
// command line on the coordinator's profile, which does its own
// cryptography in Rust: the other side of every interop check.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { url, bin, fixture } from "./env.mjs";

/**
 * The API as Claire, on the session her command line already holds: the
 * server allows five sign-ins a minute from one address, and the browsers
 * need theirs.
 */
export function coordinator() {
  const { token } = JSON.parse(readFileSync(join(fixture.coordinator.profile, "session.json"), "utf8"));
  return {
    get: (path) => call("GET", path, token),
    post: (path, body) => call("POST", path, token, body),
  };
}

async function call(method, path, token, body) {
  const headers = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${url}/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Runs `passerelle ARGS` on a CLI profile (the coordinator's unless
 * told); its stdout. */
export function cli(args, input = "", profile = fixture.coordinator.profile) {
  const run = spawnSync(bin, args, {
    input,
    encoding: "utf8",
    env: {
      ...process.env,
      RUST_LOG: "warn",
      PASSERELLE_PROFILE: profile,
      PASSERELLE_PASSWORD: fixture.password,
      PASSERELLE_PASSPHRASE: fixture.passphrase,
    },
  });
  if (run.status !== 0) {
    throw new Error(`passerelle ${args.join(" ")} failed (${run.status}): ${run.stderr}`);
  }
  return run.stdout;
}
