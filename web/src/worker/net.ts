// The few calls whose answer is not JSON (the printable consent receipt,
// the report's CSV), with the same bearer token and errors as ../api.ts.
import { ApiError } from "../api";
import { session } from "../session";

async function fetchRaw(path: string): Promise<Response> {
  const headers: Record<string, string> = {};
  const token = session.value?.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, { headers });
  } catch {
    throw new ApiError(0, "network", "The server could not be reached.");
  }
  if (!response.ok) {
    let code = "unknown";
    let message = response.statusText;
    try {
      const body = (await response.json()) as { error?: string; message?: string };
      code = body.error ?? code;
      message = body.message ?? message;
    } catch {
      // Not JSON: keep the status text.
    }
    if (response.status === 401 && token) session.value = null;
    throw new ApiError(response.status, code, message);
  }
  return response;
}

/** The body of `path` as text. */
export async function getText(path: string): Promise<string> {
  return (await fetchRaw(path)).text();
}

/** The body of `path` as a Blob (for downloads that need the token). */
export async function getBlob(path: string): Promise<Blob> {
  return (await fetchRaw(path)).blob();
}

/** `?a=1&b=2` from the defined values of `params`. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
