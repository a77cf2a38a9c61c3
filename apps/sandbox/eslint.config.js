import config from "@switchboard/eslint-config/base";

/** The pages' scripts run in the browser: these are the globals they use. */
const browserGlobals = Object.fromEntries(
  [
    "document",
    "window",
    "location",
    "history",
    "localStorage",
    "console",
    "fetch",
    "setTimeout",
    "clearTimeout",
    "FormData",
    "URLSearchParams",
    "EventSource",
    "DOMParser",
    "Node",
    "requestAnimationFrame",
  ].map((name) => [name, "readonly"]),
);

export default [
  ...config,
  {
    files: ["public/**/*.js"],
    languageOptions: { sourceType: "module", globals: browserGlobals },
    // Logging an unexpected failure in the browser console is what the pages should do.
    rules: { "no-console": "off" },
  },
];
