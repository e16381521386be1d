/**
 * The AWS CLI's reading of one shared config or credentials file.
 *
 * The CLI (botocore) reads these files with Python's `configparser.RawConfigParser()` in its
 * default, strict mode, and that parser differs from the SDK's (smithy's) in ways that decide
 * whether a profile works: no inline comments (`region = us-east-1 # prod` keeps the comment in
 * the value), `:` as well as `=` between key and value, keys lower-cased, indented lines continuing
 * the previous value, `[DEFAULT]` applying to every section, lone CR as a line break, and a whole
 * file refused for a duplicate section or key, a line outside any section, a byte-order mark or
 * bytes that are not UTF-8. This module follows those rules (learnt from Python 3.11's configparser
 * and botocore's configloader) so the profile model can say what the CLI will do.
 *
 * Pure: text in, data out. No `vscode`, no I/O.
 */

/** A setting's value: a string, or the `key =` + indented `sub = value` lines botocore reads as a block. */
export type IniValue = string | Readonly<Record<string, string>>;

/** One `[section]` as the CLI reads it. */
export interface CliSection {
  /** The text between the brackets, exactly as the CLI uses it (not trimmed, case kept). */
  readonly header: string;
  /** 0-based line of the header (a lone CR counts as a line break, as in Python and VS Code). */
  readonly line: number;
  /** Settings with `[DEFAULT]`'s merged under the section's own; keys lower-cased. */
  readonly settings: ReadonlyMap<string, IniValue>;
}

/** Why the CLI refuses the whole file (every `aws` command then fails). */
export interface CliRefusal {
  /** 0-based line the CLI stumbles on, when there is one. */
  readonly line?: number;
  /** What is wrong, e.g. `the section [profile dev] appears twice (lines 3 and 9)`. */
  readonly cause: string;
  /** What to do about it. */
  readonly fix: string;
}

export interface CliIniReading {
  /** Sections in file order. When the file is refused they are read leniently, for display. */
  readonly sections: ReadonlyArray<CliSection>;
  /** Set when the CLI would refuse the file; the first reason it meets. */
  readonly refusal?: CliRefusal;
}

/** What the caller learnt while decoding the bytes (see `decodeSharedFile`). */
export interface DecodedText {
  /** The text with a leading byte-order mark removed and undecodable bytes replaced. */
  readonly text: string;
  readonly hadByteOrderMark: boolean;
  /** 0-based line of the first byte sequence that is not UTF-8, if any. */
  readonly invalidUtf8Line?: number;
}

// Python's str.isspace() set, which str.strip() and the regex \s use (JavaScript's \s differs:
// it lacks \x1c-\x1f and \x85 and adds \ufeff). Stripping is done by scanning, not by a regex:
// `[...]+$` backtracks quadratically on a long run of spaces inside a line.
function isPySpace(c: number): boolean {
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

function firstNonSpace(s: string): number {
  for (let i = 0; i < s.length; i++) if (!isPySpace(s.charCodeAt(i))) return i;
  return -1;
}

function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && isPySpace(s.charCodeAt(end - 1))) end--;
  return end === s.length ? s : s.slice(0, end);
}

// Python's str.splitlines() boundaries (used by botocore on nested blocks).
const PY_SPLITLINES = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/;
// configparser's SECTCRE `\[(?P<header>.+)\]` applied with re.match: greedy, so the header ends at
// the last `]` on the line and anything after it is ignored. Python's `.` only excludes \n.
const SECTION_HEADER = /^\[([^\n]+)\]/;

/** Python's str.strip(). */
export function pyStrip(s: string): string {
  const start = firstNonSpace(s);
  return start < 0 ? '' : pyRstrip(start === 0 ? s : s.slice(start));
}

/** Splits text into lines the way Python's text-mode file iteration does (\r\n, \r or \n). */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  // A final line break does not start another line.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Decodes a shared config file's bytes as the CLI does on Linux and macOS (UTF-8, strict), noting
 * what would make it refuse the file, and returns text that can still be read leniently.
 */
export function decodeSharedFile(bytes: Uint8Array): DecodedText {
  const hadByteOrderMark = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = hadByteOrderMark ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body), hadByteOrderMark };
  } catch {
    const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(body);
    const bad = firstInvalidUtf8Offset(body);
    return { text, hadByteOrderMark, invalidUtf8Line: lineOfByte(body, bad) };
  }
}

function firstInvalidUtf8Offset(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let need: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return b.length;
}

function lineOfByte(b: Uint8Array, offset: number): number {
  let line = 0;
  for (let i = 0; i < offset && i < b.length; i++) {
    if (b[i] === 0x0a) line++;
    else if (b[i] === 0x0d && b[i + 1] !== 0x0a) line++;
  }
  return line;
}

/** A value as collected: one line, or the lines of a value continued on indented lines. */
type RawValue = string | string[];

interface MutableSection {
  readonly header: string;
  readonly line: number;
  readonly values: Map<string, RawValue>;
}

/**
 * Reads a file's text as botocore's `raw_config_parse` does. Never throws: where the CLI would
 * refuse the file, `refusal` says why and the sections are read as a lenient parser would, so
 * the profiles can still be listed (each marked as unusable by the caller).
 */
export function readIniAsCli(decoded: DecodedText | string): CliIniReading {
  const d: DecodedText = typeof decoded === 'string' ? { text: decoded, hadByteOrderMark: false } : decoded;
  let refusal: CliRefusal | undefined;
  const refuse = (r: CliRefusal): void => {
    refusal ??= r;
  };
  // The decoder fails before the parser sees the text, and a BOM makes the first line a
  // "line outside any section" (Python's utf-8 codec keeps U+FEFF; strip() does not remove it).
  if (d.invalidUtf8Line !== undefined) {
    refuse({
      line: d.invalidUtf8Line,
      cause: `it is not valid UTF-8 (line ${d.invalidUtf8Line + 1} has bytes in another encoding)`,
      fix: 'save the file as UTF-8',
    });
  }
  if (d.hadByteOrderMark) {
    refuse({ line: 0, cause: 'it starts with a byte-order mark (BOM)', fix: 'save the file as UTF-8 without a BOM' });
  }

  const lines = splitLines(d.text);
  const sections = new Map<string, MutableSection>();
  const defaults = new Map<string, RawValue>();
  let current: Map<string, RawValue> | undefined;
  let currentName = '';
  let option: string | undefined; // configparser's `optname`: the value continuation lines extend
  let blanks = 0; // blank lines after `option`'s last line: part of the value if a continuation follows
  let indentLevel = 0;
  const badLines: number[] = [];
  const extend = (target: Map<string, RawValue>, key: string, line: string): void => {
    const sofar = target.get(key);
    const parts = Array.isArray(sofar) ? sofar : [sofar ?? ''];
    for (; blanks > 0; blanks--) parts.push('');
    parts.push(line);
    if (parts !== sofar) target.set(key, parts);
  };

  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const stripped = pyStrip(line);
    if (stripped === '') {
      if (current && option) blanks++;
      continue;
    }
    // Full-line comments only: configparser is not given inline comment prefixes by botocore.
    const first = stripped.charCodeAt(0);
    if (first === 0x23 /* # */ || first === 0x3b /* ; */) continue;
    const indent = Math.max(0, firstNonSpace(line));
    if (current && option && indent > indentLevel) {
      extend(current, option, stripped);
      continue;
    }
    blanks = 0;
    indentLevel = indent;
    const header = first === 0x5b /* [ */ ? SECTION_HEADER.exec(stripped) : null;
    if (header) {
      const name = header[1]!;
      option = undefined;
      currentName = name;
      if (name === 'DEFAULT') {
        current = defaults;
      } else {
        const existing = sections.get(name);
        if (existing) {
          refuse({
            line: n,
            cause: `the section [${name}] appears twice (lines ${existing.line + 1} and ${n + 1})`,
            fix: 'merge the two sections into one',
          });
          current = existing.values;
        } else {
          const created: MutableSection = { header: name, line: n, values: new Map() };
          sections.set(name, created);
          current = created.values;
        }
      }
      continue;
    }
    if (!current) {
      refuse({
        line: n,
        cause: `line ${n + 1} is not inside any [section]`,
        fix: 'move it under a [profile ...] section or delete it',
      });
      continue;
    }
    // OPTCRE: the key ends at the first `=` or `:`.
    const delimiter = stripped.search(/[=:]/);
    if (delimiter < 0) {
      // Not fatal at once: configparser collects such lines and refuses the file at the end.
      // It also leaves `optname` alone, so indented lines below still extend the last value.
      badLines.push(n);
      continue;
    }
    const key = pyRstrip(stripped.slice(0, delimiter)).toLowerCase();
    if (key === '') badLines.push(n);
    if (current.has(key)) {
      refuse({
        line: n,
        cause: `the setting ${key} appears twice in [${currentName}] (line ${n + 1})`,
        fix: 'keep only one of them',
      });
    }
    current.set(key, pyStrip(stripped.slice(delimiter + 1)));
    option = key;
  }
  if (badLines.length > 0) {
    const first = badLines[0]!;
    refuse({
      line: first,
      cause: `line ${first + 1} is neither a [section], a "key = value" setting nor a comment${badLines.length > 1 ? ` (nor are ${badLines.length - 1} more lines)` : ''}`,
      fix: 'fix or delete that line',
    });
  }

  const joinedDefaults = joinValues(defaults, 'DEFAULT', undefined, refuse);
  const result: CliSection[] = [];
  for (const s of sections.values()) {
    const own = joinValues(s.values, s.header, s.line, refuse);
    let settings = own;
    if (joinedDefaults.size > 0) {
      // cp.get(section, key): the section's own value, else [DEFAULT]'s.
      settings = new Map(joinedDefaults);
      for (const [k, v] of own) settings.set(k, v);
    }
    result.push({ header: s.header, line: s.line, settings });
  }
  return refusal ? { sections: result, refusal } : { sections: result };
}

/** configparser joins continuation lines with \n and strips the end; botocore then reads blocks. */
function joinValues(values: Map<string, RawValue>, sectionName: string, sectionLine: number | undefined, refuse: (r: CliRefusal) => void): Map<string, IniValue> {
  const out = values as Map<string, IniValue>; // converted in place: strings stay as they are
  for (const [key, raw] of values) {
    if (typeof raw === 'string') continue;
    const joined = pyRstrip(raw.join('\n'));
    if (!joined.startsWith('\n')) {
      out.set(key, joined);
      continue;
    }
    const block: Record<string, string> = Object.create(null) as Record<string, string>;
    let bad = false;
    for (const part of joined.split(PY_SPLITLINES)) {
      const sub = pyStrip(part);
      if (sub === '') continue;
      const eq = sub.indexOf('=');
      if (eq < 0) {
        bad = true;
        continue;
      }
      block[pyStrip(sub.slice(0, eq))] = pyStrip(sub.slice(eq + 1));
    }
    if (bad) {
      // The line is not quoted: it may hold a secret.
      refuse({
        ...(sectionLine !== undefined ? { line: sectionLine } : {}),
        cause: `in [${sectionName}], an indented line under ${key} is not a "name = value" pair`,
        fix: `indent only sub-settings under ${key}, or start that line at the beginning of the line`,
      });
    }
    out.set(key, block);
  }
  return out;
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
