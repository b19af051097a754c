// Signing in and out, and joining with an invitation code: the calls the
// shell makes before anything else, in the shapes `crates/server/src/auth.rs`
// takes and gives.
import { del, get, post } from "../api";
import { session, type Role } from "../session";

/** An account as its owner sees it (`AccountView`). */
export interface AccountView {
  id: string;
  role: Role;
  service: string | null;
  login: string;
  display_name: string;
}

interface SessionResponse {
  token: string;
  expires_at: string;
  account: AccountView;
}

/** Signs in, keeps the session, and confirms it with `GET /me`. */
export async function signIn(login: string, password: string): Promise<AccountView> {
  const created = await post<SessionResponse>("/sessions", { login: login.trim(), password });
  session.value = {
    token: created.token,
    account: created.account.id,
    role: created.account.role,
    login: created.account.login,
    displayName: created.account.display_name,
  };
  try {
    const me = await get<AccountView>("/me");
    session.value = { ...session.value, role: me.role, login: me.login, displayName: me.display_name };
    return me;
  } catch (error) {
    session.value = null;
    throw error;
  }
}

/** What joining takes (`JoinRequest`). */
export interface Join {
  code: string;
  login: string;
  password: string;
  display_name: string;
  phone: string | null;
}

/** Redeems an invitation code (creating the account), then signs in. */
export async function join(request: Join): Promise<AccountView> {
  await post<{ account: AccountView; case: string }>("/invitations/redeem", {
    ...request,
    code: request.code.trim(),
    login: request.login.trim(),
    display_name: request.display_name.trim(),
  });
  return signIn(request.login, request.password);
}

/** Ends the session on the server (if it still can) and here. */
export async function signOut(): Promise<void> {
  try {
    if (session.value) await del("/sessions/current");
  } catch {
    // Signed out here whatever the server says: the token is forgotten.
  }
  session.value = null;
}
