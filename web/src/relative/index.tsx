// The relative's side, phone-first: their case(s), messages, practical
// requests, visits, what the detained person shares with them, who saw
// their items, and their key.
import { parts, route } from "../components";
import { AccessLog } from "./access";
import { CaseHome, Home } from "./home";
import { Messages } from "./messages";
import { MyKey } from "./mykey";
import { NewRequest, Requests } from "./requests";
import { Situation } from "./situation";
import { NewVisit, Visits } from "./visits";

export function RelativeApp() {
  const [first, id, section, sub] = parts(route.value);
  if (first === "access") return <AccessLog />;
  if (first === "key") return <MyKey />;
  if (first === "case" && id) {
    if (section === "messages") return <Messages caseId={id} />;
    if (section === "requests") return sub === "new" ? <NewRequest caseId={id} /> : <Requests caseId={id} />;
    if (section === "visits") return sub === "new" ? <NewVisit caseId={id} /> : <Visits caseId={id} />;
    if (section === "situation") return <Situation caseId={id} />;
    return <CaseHome caseId={id} />;
  }
  return <Home />;
}
