// Live updates: the server's event stream (`GET /events`, server-sent
// events) read with fetch, since EventSource cannot send the bearer token.
// Events carry ids only; screens refetch what changed.
import { signal } from "@preact/signals";
import { session } from "../session";

export interface LiveEvent {
  kind: string;
  case: string | null;
  seq: number;
}

/** The latest event; screens watch it and reload. */
export const lastEvent = signal<LiveEvent | null>(null);

let seq = 0;

function dispatch(block: string): void {
  let kind = "message";
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) kind = line.slice(6).trim();
    else if (line.startsWith("data:")) data += line.slice(5).trim();
  }
  if (!data) return;
  let caseId: string | null = null;
  try {
    caseId = (JSON.parse(data) as { case?: string | null }).case ?? null;
  } catch {
    return;
  }
  lastEvent.value = { kind, case: caseId, seq: ++seq };
}

/** Listens until `signal` aborts, reconnecting after a dropped stream. */
export async function listen(abort: AbortSignal): Promise<void> {
  while (!abort.aborted) {
    const token = session.value?.token;
    if (!token) return;
    try {
      const response = await fetch("/api/v1/events", {
        headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
        signal: abort,
      });
      // Signed out or refused: stop rather than knock again and again.
      if (response.status === 401 || response.status === 403) return;
      if (response.ok && response.body) {
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n/g, "\n");
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      }
    } catch {
      if (abort.aborted) return;
    }
    // A missed event is repaired by the next fetch; wait a little first.
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}
