// The shell: the header with the language picker, then whichever door the
// person is at: sign in or join, make or unlock this device's key, then
// their side of the app by role.
import { languages, lang, setLang, t, type Lang } from "./i18n";
import { deviceKey, session } from "./session";
import { signOut } from "./components/account";
import { KeyGate } from "./components/devicekey";
import { href, navigate, route } from "./components/router";
import { JoinCase, SignIn } from "./components/signin";
import { RelativeApp } from "./relative";
import { WorkerApp } from "./worker";

function Header() {
  const signedIn = session.value !== null;
  return (
    <header class="app-header">
      <a class="app-name" href={href("/")}>
        {t("app.name")}
      </a>
      <label>
        <span class="visually-hidden">{t("lang.label")}</span>
        <select
          data-testid="language"
          value={lang.value}
          onChange={(e) => setLang(e.currentTarget.value as Lang)}
        >
          {languages.map((l) => (
            <option key={l.code} value={l.code} lang={l.code}>
              {l.name}
            </option>
          ))}
        </select>
      </label>
      {signedIn ? (
        <button
          type="button"
          class="button-link"
          data-testid="sign-out"
          onClick={async () => {
            await signOut();
            navigate("/");
          }}
        >
          {t("signout")}
        </button>
      ) : null}
    </header>
  );
}

function Door() {
  const who = session.value;
  if (!who) return route.value === "/join" ? <JoinCase /> : <SignIn />;
  if (!deviceKey.value) return <KeyGate />;
  return who.role === "worker" || who.role === "coordinator" ? <WorkerApp /> : <RelativeApp />;
}

export function App() {
  return (
    <>
      <a class="skip-link" href="#main" onClick={(e) => {
        // The hash is the router's: move the focus instead of navigating.
        e.preventDefault();
        const main = document.getElementById("main");
        if (main) {
          main.tabIndex = -1;
          main.focus();
        }
      }}>
        {t("app.skip")}
      </a>
      <Header />
      <Door />
    </>
  );
}
