// The two doors in: signing in, and joining a case with the invitation code
// a social worker gave.
import { useState } from "preact/hooks";
import { t } from "../i18n";
import { join, signIn } from "./account";
import { href, navigate } from "./router";
import { Button, ErrorNote, Field, LocalError, PageTitle, useSubmit } from "./ui";

export function SignIn() {
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");

  const { busy, error, submit } = useSubmit(async () => {
    await signIn(login, password);
  }, { leaves: true });

  return (
    <main id="main" class="stack">
      <PageTitle>{t("signin.title")}</PageTitle>
      <p>{t("signin.intro")}</p>
      <form class="card stack" onSubmit={submit} data-testid="signin-form" noValidate>
        <Field label={t("signin.login")} value={login} onValue={setLogin} autoComplete="username" required spellcheck={false} />
        <Field label={t("signin.password")} type="password" value={password} onValue={setPassword} autoComplete="current-password" required />
        <ErrorNote error={error} />
        <Button type="submit" busy={busy} block disabled={!login.trim() || !password}>
          {t("signin.submit")}
        </Button>
      </form>
      <div class="card">
        <h2>{t("signin.new_title")}</h2>
        <p>{t("signin.new_text")}</p>
        <a class="btn btn-secondary btn-block" href={href("/join")}>
          {t("signin.to_join")}
        </a>
      </div>
    </main>
  );
}

const MIN_PASSWORD = 10;

export function JoinCase() {
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const [phone, setPhone] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [tried, setTried] = useState(false);

  const shortPassword = password.length > 0 && password.length < MIN_PASSWORD;

  async function submit(e: Event) {
    e.preventDefault();
    setTried(true);
    if (!code.trim() || !name.trim() || !login.trim() || password.length < MIN_PASSWORD) {
      setError(new LocalError("join.incomplete"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await join({ code, login, password, display_name: name, phone: phone.trim() || null });
      navigate("/");
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <main id="main" class="stack">
      <PageTitle>{t("join.title")}</PageTitle>
      <p>{t("join.intro")}</p>
      <form class="card stack" onSubmit={submit} data-testid="join-form" noValidate>
        <Field label={t("join.code")} hint={t("join.code_hint")} value={code} onValue={setCode} required autoComplete="off" spellcheck={false} error={tried && !code.trim() ? t("form.required") : null} />
        <Field label={t("join.name")} hint={t("join.name_hint")} value={name} onValue={setName} required autoComplete="name" error={tried && !name.trim() ? t("form.required") : null} />
        <Field label={t("join.login")} hint={t("join.login_hint")} value={login} onValue={setLogin} required autoComplete="username" spellcheck={false} error={tried && !login.trim() ? t("form.required") : null} />
        <Field
          label={t("join.password")}
          hint={t("join.password_hint", { count: MIN_PASSWORD })}
          type="password"
          value={password}
          onValue={setPassword}
          required
          autoComplete="new-password"
          error={shortPassword || (tried && !password) ? t("join.password_short", { count: MIN_PASSWORD }) : null}
        />
        <Field label={t("join.phone")} hint={t("join.phone_hint")} type="tel" value={phone} onValue={setPhone} autoComplete="tel" inputMode="tel" />
        <ErrorNote error={error} />
        <Button type="submit" busy={busy} block>
          {t("join.submit")}
        </Button>
      </form>
      <p>
        <a href={href("/")}>{t("join.have_account")}</a>
      </p>
    </main>
  );
}
