/**
 * @module settings/page-input-names — the names the settings page gives its inputs, shared by the
 * page and the parser of its POST so the two cannot drift.
 */

/**
 * The input name of a field: `settings[group][field]`. The prefix keeps a form's names apart from
 * whatever the host adds to the POST (Bitrix24's `PLACEMENT_OPTIONS`, `AUTH_ID`, …).
 */
export function settingsInputName(group: string, field: string): string {
  return `settings[${group}][${field}]`;
}

/** The name of a list of checkboxes (static `listOfEnum`), one entry per ticked value. */
export function settingsListInputName(group: string, field: string): string {
  return `${settingsInputName(group, field)}[]`;
}
