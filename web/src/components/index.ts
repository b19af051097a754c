// The shared pieces, for both sides of the app.
export { Button, Checkbox, Choices, EmptyState, ErrorNote, Field, LocalError, Loading, Notice, PageTitle, SelectField, errorText, useId, useLoad, useSubmit } from "./ui";
export type { Loaded } from "./ui";
export { brusselsDate, formatDate, formatDateTime, formatTime, groupDigits } from "./format";
export { href, navigate, parts, route } from "./router";
export { newUuid } from "./uuid";
