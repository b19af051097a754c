// The JSON API under /api/v1, as the app calls it. Every call carries the
// session's bearer token; every failure is an ApiError with the server's
// code, so screens can say what went wrong in the reader's language.
import { session } from "./session";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type Method = "GET" | "POST" | "PUT" | "DELETE";

/** Calls `path` (relative to /api/v1) and returns the decoded JSON body. */
export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  const token = session.value?.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "The server could not be reached.");
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let decoded: unknown = undefined;
  if (text) {
    try {
      decoded = JSON.parse(text);
    } catch {
      throw new ApiError(response.status, "bad_response", "The server's answer was not JSON.");
    }
  }
  if (!response.ok) {
    const error = decoded as { error?: string; message?: string } | undefined;
    if (response.status === 401 && token) session.value = null;
    throw new ApiError(response.status, error?.error ?? "unknown", error?.message ?? response.statusText);
  }
  return decoded as T;
}

export const get = <T>(path: string) => request<T>("GET", path);
export const post = <T>(path: string, body?: unknown) => request<T>("POST", path, body ?? {});
export const put = <T>(path: string, body: unknown) => request<T>("PUT", path, body);
export const del = <T>(path: string) => request<T>("DELETE", path);
