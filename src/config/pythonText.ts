/**
 * The few Python string functions whose exact behaviour botocore's reading depends on:
 * str.isspace / str.strip, str.splitlines, shlex.split (section names) and int() (durations).
 * JavaScript's nearest equivalents differ at the edges (its \s lacks \x1c-\x1f and \x85 and adds
 * \ufeff; parseInt accepts "2h"), and those edges decide whether a profile works.
 *
 * Pure: no `vscode`, no I/O.
 */

/** Python's str.isspace() for one UTF-16 code unit (every Python space is in the BMP). */
export function isPySpace(c: number): boolean {
  // Printable ASCII first: it is almost every character a config file holds.
  if (c > 0x20 && c < 0x85) return false;
  return (
    (c >= 0x09 && c <= 0x0d) ||
    (c >= 0x1c && c <= 0x20) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

// Stripping scans instead of using a regex: `[...]+$` backtracks quadratically on a long run of
// spaces inside a line.
export function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && isPySpace(s.charCodeAt(end - 1))) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Python's str.strip(). */
export function pyStrip(s: string): string {
  let start = 0;
  while (start < s.length && isPySpace(s.charCodeAt(start))) start++;
  return start === s.length ? '' : pyRstrip(start === 0 ? s : s.slice(start));
}

/** Python's str.splitlines() boundaries (botocore splits nested blocks with it). */
export const PY_SPLITLINES = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/;

/** Splits text into lines the way Python's text-mode file iteration does (\r\n, \r or \n). */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  // A final line break does not start another line.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const DECIMAL_DIGIT = /\p{Nd}/u;

/** The value of a Unicode decimal digit: Unicode keeps each script's digits in a run 0 to 9. */
function digitValue(cp: number): number {
  let zero = cp;
  while (zero > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(zero - 1))) zero--;
  return (cp - zero) % 10;
}

/**
 * Python's int(value) on a setting, as botocore applies it to duration_seconds: surrounding spaces
 * stripped, an optional sign, digits of any script, single underscores between digits. Undefined
 * where Python raises ValueError (botocore then leaves the setting out).
 */
export function pythonInt(raw: string): number | undefined {
  const s = pyStrip(raw);
  if (/^[+-]?[0-9]+(?:_[0-9]+)*$/.test(s)) return Number(s.replace(/_/g, ''));
  if (!/^[+-]?\p{Nd}+(?:_\p{Nd}+)*$/u.test(s)) return undefined;
  let n = 0;
  for (const ch of s) if (DECIMAL_DIGIT.test(ch)) n = n * 10 + digitValue(ch.codePointAt(0)!);
  return s.startsWith('-') ? -n : n;
}

/**
 * Python's `shlex.split(s)` (POSIX mode, no comments), which botocore uses on section names such
 * as `profile "my profile"`. Returns undefined where Python raises ValueError (unbalanced quote,
 * trailing backslash).
 */
export function shlexSplit(s: string): string[] | undefined {
  const whitespace = ' \t\r\n';
  const tokens: string[] = [];
  let i = 0;
  for (;;) {
    let token = '';
    let quoted = false;
    let state: ' ' | 'a' | "'" | '"' | '\\' = ' ';
    let escapedState: ' ' | 'a' | "'" | '"' = ' ';
    let done = false; // end of input reached
    for (;;) {
      const c = i < s.length ? s[i++]! : '';
      if (state === ' ') {
        if (c === '') {
          done = true;
          break;
        } else if (whitespace.includes(c)) {
          if (token || quoted) break;
        } else if (c === '\\') {
          escapedState = 'a';
          state = '\\';
        } else if (c === "'" || c === '"') {
          state = c;
        } else {
          token = c;
          state = 'a';
        }
      } else if (state === "'" || state === '"') {
        quoted = true;
        if (c === '') return undefined; // No closing quotation
        if (c === state) state = 'a';
        else if (c === '\\' && state === '"') {
          escapedState = state;
          state = '\\';
        } else token += c;
      } else if (state === '\\') {
        if (c === '') return undefined; // No escaped character
        // Inside double quotes only the quote and the backslash itself can be escaped.
        const inQuotes: string = escapedState;
        if ((inQuotes === '"' || inQuotes === "'") && c !== '\\' && c !== inQuotes) token += '\\';
        token += c;
        state = escapedState;
      } else {
        // state 'a': inside a word
        if (c === '') {
          done = true;
          break;
        } else if (whitespace.includes(c)) {
          state = ' ';
          if (token || quoted) break;
        } else if (c === "'" || c === '"') {
          state = c;
        } else if (c === '\\') {
          escapedState = 'a';
          state = '\\';
        } else token += c;
      }
    }
    if (token !== '' || quoted) tokens.push(token);
    if (done) return tokens;
  }
}
