import "./styles.css";
import { render } from "preact";
import { App } from "./app";
import { lang } from "./i18n";

document.documentElement.lang = lang.value;
const root = document.getElementById("app");
if (root) render(<App />, root);
