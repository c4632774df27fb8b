/**
 * Recognising a production log line on the clipboard, so "Find Log Statement" can offer it pre-filled.
 *
 * Only a guess for convenience: a wrong "no" means an empty input box, a wrong "yes" means text the user
 * replaces. It therefore favours signals that real log lines carry (a level word, a timestamp, a JSON or
 * logfmt record with a message field) over anything clever. Kept free of `vscode` for unit tests.
 */

const MAX_LINE = 10_000;
const LEVEL_RE = /(^|[\s\[\](|:=,"'])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|SEVERE|FATAL|CRITICAL|PANIC)($|[\s\[\])|:,"'])/i;
const TIMESTAMP_RE = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?|\b\d{2}:\d{2}:\d{2}([.,]\d+)?\b|\b[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}\b/;
const JSON_MESSAGE_RE = /"(msg|message|body|Body|log|event)"\s*:/;
const LOGFMT_RE = /(^|\s)(msg|message)=/;

/** The first non-empty line of the clipboard when it looks like a log line, else undefined. */
export function logLineFromClipboard(clipboard: string | undefined): string | undefined {
  if (!clipboard) {
    return undefined;
  }
  const line = clipboard
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== "");
  if (!line || line.length < 8 || line.length > MAX_LINE) {
    return undefined;
  }
  return looksLikeLogLine(line) ? line : undefined;
}

/** A level word in upper case, or a timestamp, or a JSON/logfmt record with a message field. */
export function looksLikeLogLine(line: string): boolean {
  if (line.startsWith("{") && JSON_MESSAGE_RE.test(line)) {
    return true;
  }
  if (LOGFMT_RE.test(line)) {
    return true;
  }
  const level = LEVEL_RE.exec(line);
  // Lower-case "error" alone is ordinary prose; real records write levels in capitals or next to a time.
  if (level && level[2] === level[2].toUpperCase()) {
    return true;
  }
  return TIMESTAMP_RE.test(line) && (level !== null || /[A-Za-z]{3,}/.test(line.replace(TIMESTAMP_RE, "")));
}
