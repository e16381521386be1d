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
  /**
   * False when no value in the file spans lines or is a block, so a reader need not look at
   * every value to find one. Absent means not known (look).
   */
  readonly continuedValues?: boolean;
  /** Set when the CLI would refuse the file; the first reason it meets. */
  readonly refusal?: CliRefusal;
  /**
   * The sections by header (a header written twice: its one, merged section), so that a reader
   * can look a section up without indexing them all again.
   */
  readonly byHeader?: ReadonlyMap<string, CliSection>;
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

/** A section while it is read; handed out as the CliSection once its values are joined. */
interface MutableSection {
  readonly header: string;
  readonly line: number;
  settings: Map<string, RawValue>;
}

/** Where `char` next occurs at or after `from`, or the text's length. */
function indexOrEnd(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from);
  return at < 0 ? text.length : at;
}

/**
 * The settings shared config files are made of, by length. A key found here is the constant
 * string itself, so the maps the profiles are read from never hash a fresh copy of it again.
 */
const KNOWN_KEYS_BY_LENGTH: ReadonlyArray<ReadonlyArray<string> | undefined> = (() => {
  const byLength: string[][] = [];
  for (const key of [
    'region', 'output', 'role_arn', 'source_profile', 'credential_source', 'mfa_serial', 'external_id',
    'role_session_name', 'duration_seconds', 'web_identity_token_file', 'sso_session', 'sso_start_url',
    'sso_region', 'sso_account_id', 'sso_role_name', 'sso_registration_scopes', 'credential_process',
    'login_session', 'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'endpoint_url',
    'services', 'ca_bundle', 'cli_pager', 'retry_mode', 'max_attempts', 's3',
  ]) {
    (byLength[key.length] ??= []).push(key);
  }
  return byLength;
})();

/** text[start, end) as one of the known (lower-case) keys, if it is exactly one of them. */
function knownKeyAt(text: string, start: number, end: number): string | undefined {
  const candidates = KNOWN_KEYS_BY_LENGTH[end - start];
  // Indexed, not for-of: run once per setting line, mostly before V8 optimises it, and an
  // unoptimised for-of allocates an iterator and a result object per step.
  if (candidates) for (let i = 0; i < candidates.length; i++) if (text.startsWith(candidates[i]!, start)) return candidates[i];
  return undefined;
}

/**
 * Reads a file's text as botocore's `raw_config_parse` does. Never throws: where the CLI would
 * refuse the file, `refusal` says why and the sections are read as a lenient parser would, so
 * the profiles can still be listed (each marked as unusable by the caller).
 */
export function readIniAsCli(decoded: DecodedText | string): CliIniReading {
  const d: DecodedText = typeof decoded === 'string' ? { text: decoded, hadByteOrderMark: false } : decoded;
  // Python's text mode turns \r\n and a lone \r into \n; after that a line ends at \n only.
  const text = d.text.includes('\r') ? d.text.replace(/\r\n?/g, '\n') : d.text;
  const readWith = (lazy: boolean): CliIniReading | undefined => {
    const reader = new SectionReader(text, lazy);
    // The decoder fails before the parser sees the text, and a BOM makes the first line a
    // "line outside any section" (Python's utf-8 codec keeps U+FEFF; strip() does not remove it).
    if (d.invalidUtf8Line !== undefined) {
      reader.refuse({
        line: d.invalidUtf8Line,
        cause: `it is not valid UTF-8 (line ${d.invalidUtf8Line + 1} has bytes in another encoding)`,
        fix: 'save the file as UTF-8',
      });
    }
    if (d.hadByteOrderMark) {
      reader.refuse({ line: 0, cause: 'it starts with a byte-order mark (BOM)', fix: 'save the file as UTF-8 without a BOM' });
    }
    return reader.read();
  };
  // Nearly every file is read lazily; one with [DEFAULT], a value continued on indented lines or
  // a section written twice is read again, eagerly (see SectionReader).
  return readWith(true) ?? readWith(false)!;
}

/**
 * A section whose settings are sliced from the text only when first asked for. Listing ten
 * thousand profiles describes a few hundred; making a Map and a string per value for the rest
 * was a third of the first reading's time, and most of what its young-generation collections
 * had to copy. Only kept when no value of the file continues on indented lines and it has no
 * [DEFAULT] or repeated section, so each setting is one line of its own body.
 */
class LazySection implements CliSection {
  private made: Map<string, IniValue> | undefined;
  /** True while every setting line of the body has an `=` before any `:` (so indexOf finds its delimiter). */
  equalsOnly = true;

  constructor(
    readonly header: string,
    readonly line: number,
    private readonly text: string,
    /** The body: text[from, to), from the end of the header line to the start of the next. */
    private readonly from: number,
    public to: number,
  ) {}

  get settings(): ReadonlyMap<string, IniValue> {
    return (this.made ??= settingsIn(this.text, this.from, this.to, this.equalsOnly));
  }
}

/** The settings of a body of only settings, comments and blank lines, as SectionReader.setting reads them. */
function settingsIn(text: string, from: number, to: number, equalsOnly: boolean): Map<string, IniValue> {
  const settings = new Map<string, IniValue>();
  for (let lineStart = from; lineStart < to; ) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > to) lineEnd = to;
    let start = lineStart;
    while (start < lineEnd && isPySpace(text.charCodeAt(start))) start++;
    lineStart = lineEnd + 1;
    const first = text.charCodeAt(start);
    if (start === lineEnd || first === 0x23 /* # */ || first === 0x3b /* ; */) continue;
    let end = lineEnd;
    while (isPySpace(text.charCodeAt(end - 1))) end--;
    // Native search when the reading found every line's delimiter to be its first `=`.
    const delimiter = equalsOnly ? text.indexOf('=', start) : delimiterIn(text, start, end);
    // Lines without one were refused by the reading; they hold no setting.
    if (delimiter < end) settings.set(keyBefore(text, start, delimiter), valueAfter(text, delimiter, end));
  }
  return settings;
}

/**
 * OPTCRE: a setting's key ends at the first `=` or `:` of its line; end when there is neither.
 * Scanned along the line: an indexOf could run far past it (to the file's next `:`).
 */
function delimiterIn(text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d /* = */ || c === 0x3a /* : */) return i;
  }
  return end;
}

/** The key of a setting line starting at `start`, lower-cased as configparser's optionxform does. */
function keyBefore(text: string, start: number, delimiter: number): string {
  let keyEnd = delimiter;
  while (keyEnd > start && isPySpace(text.charCodeAt(keyEnd - 1))) keyEnd--;
  return knownKeyAt(text, start, keyEnd) ?? text.slice(start, keyEnd).toLowerCase();
}

/** The value of a setting line, stripped (its end is already stripped). */
function valueAfter(text: string, delimiter: number, end: number): string {
  let valueStart = delimiter + 1;
  while (valueStart < end && isPySpace(text.charCodeAt(valueStart))) valueStart++;
  return text.slice(valueStart, end);
}

/**
 * configparser's reading loop. One pass over the text by offsets, slicing only keys, values and
 * headers: organisation-wide configs have tens of thousands of lines, and a string per line (then
 * a stripped copy of it) made this the largest cost of listing them. Kept as a short loop over
 * lines plus one method per kind of line; a first reading is still mostly spent before V8 has
 * optimised the loop (see README, Figures).
 */
class SectionReader {
  /** Set when a lazy reading meets what only the eager one handles; read() then gives up. */
  private gaveUp = false;
  /** Keys of the current section so far (a lazy reading keeps no Map to find a repeated one in). */
  private readonly keys: string[] = [];
  private refusal: CliRefusal | undefined;
  private readonly byName = new Map<string, MutableSection>();
  private readonly ordered: MutableSection[] = [];
  private readonly defaults: MutableSection = { header: 'DEFAULT', line: -1, settings: new Map() };
  /** Sections with a value continued on indented lines: only these need their values joined. */
  private readonly continued = new Set<MutableSection>();
  private current: MutableSection | undefined;
  /** configparser's `optname`: the value that indented lines below extend. */
  private option: string | undefined;
  /** Blank lines after `option`'s last line: part of the value if a continuation follows. */
  private blanks = 0;
  private indentLevel = 0;
  /** Lines that are neither section, setting nor comment (refused together at the end). */
  private readonly badLines: number[] = [];
  // The next `=` and `:` at or after the current line (see setting()).
  private nextEquals = -1;
  private nextColon = -1;

  /**
   * `lazy`: sections are LazySections, their settings left in the text. Gives up (read() returns
   * undefined) on [DEFAULT], a continued value or a repeated section: their settings are merged
   * across lines or sections, which only the eager reading does.
   */
  constructor(
    private readonly text: string,
    private readonly lazy: boolean,
  ) {}

  /** Keeps the first reason the CLI would refuse the file. */
  refuse(r: CliRefusal): void {
    this.refusal ??= r;
  }

  read(): CliIniReading | undefined {
    const text = this.text;
    // Line n is text[lineStart, lineEnd); its stripped content is text[start, end).
    let lineStart = 0;
    for (let n = 0; lineStart <= text.length; n++) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = text.length;
      let start = lineStart;
      while (start < lineEnd && isPySpace(text.charCodeAt(start))) start++;
      const indent = start - lineStart;
      lineStart = lineEnd + 1;
      if (start === lineEnd) {
        if (this.current && this.option) this.blanks++;
        continue;
      }
      let end = lineEnd;
      while (isPySpace(text.charCodeAt(end - 1))) end--;
      this.line(n, start, end, indent);
      if (this.gaveUp) return undefined;
    }
    if (this.current instanceof LazySection) this.current.to = text.length;
    return this.finish();
  }

  /** A line that is not blank; its stripped content is text[start, end). */
  private line(n: number, start: number, end: number, indent: number): void {
    const text = this.text;
    // Full-line comments only: configparser is not given inline comment prefixes by botocore.
    const first = text.charCodeAt(start);
    if (first === 0x23 /* # */ || first === 0x3b /* ; */) return;
    if (indent > this.indentLevel && this.current && this.option) {
      if (this.lazy) this.gaveUp = true;
      else this.extend(this.current, this.option, text.slice(start, end));
      return;
    }
    this.blanks = 0;
    this.indentLevel = indent;
    // configparser's SECTCRE `\[(?P<header>.+)\]` applied with re.match: greedy, so the header
    // ends at the last `]` on the line, anything after it is ignored, and it is never empty.
    if (first === 0x5b /* [ */) {
      const close = text.lastIndexOf(']', end - 1);
      if (close > start + 1) {
        this.openSection(n, text.slice(start + 1, close), start, end);
        return;
      }
    }
    if (this.current) this.setting(this.current, n, start, end);
    else {
      this.refuse({
        line: n,
        cause: `line ${n + 1} is not inside any [section]`,
        fix: 'move it under a [profile ...] section or delete it',
      });
    }
  }

  /** The header line's stripped content is text[start, end). */
  private openSection(n: number, name: string, start: number, end: number): void {
    this.option = undefined;
    this.keys.length = 0;
    if (this.current instanceof LazySection) this.current.to = start;
    if (name === 'DEFAULT') {
      if (this.lazy) this.gaveUp = true;
      this.current = this.defaults;
      return;
    }
    const existing = this.byName.get(name);
    if (existing && this.lazy) this.gaveUp = true;
    else if (existing) {
      this.refuse({
        line: n,
        cause: `the section [${name}] appears twice (lines ${existing.line + 1} and ${n + 1})`,
        fix: 'merge the two sections into one',
      });
      this.current = existing;
      return;
    }
    // The rest of the header line is blank, or ignored text after the last `]`: from its end on.
    const created: MutableSection = this.lazy ? (new LazySection(name, n, this.text, end, end) as unknown as MutableSection) : { header: name, line: n, settings: new Map() };
    this.byName.set(name, created);
    this.ordered.push(created);
    this.current = created;
  }

  /** A `key = value` (or `key: value`) line of `section`, stripped to text[start, end). */
  private setting(section: MutableSection, n: number, start: number, end: number): void {
    const text = this.text;
    // OPTCRE: the key ends at the first `=` or `:`. Each of the two is searched for again only
    // once the line start has passed the last one found, so the whole file is scanned once.
    if (this.nextEquals < start) this.nextEquals = indexOrEnd(text, '=', start);
    if (this.nextColon < start) this.nextColon = indexOrEnd(text, ':', start);
    const delimiter = Math.min(this.nextEquals, this.nextColon);
    if (section instanceof LazySection && (delimiter !== this.nextEquals || delimiter >= end)) section.equalsOnly = false;
    if (delimiter >= end) {
      // Not fatal at once: configparser collects such lines and refuses the file at the end.
      // It also leaves `optname` alone, so indented lines below still extend the last value.
      this.badLines.push(n);
      return;
    }
    const key = keyBefore(text, start, delimiter);
    if (key === '') this.badLines.push(n);
    let repeated: boolean;
    if (this.lazy) {
      // A handful of keys per section: a scan of them costs less than a Map.
      repeated = this.keys.includes(key);
      this.keys.push(key);
    } else {
      // A key seen before leaves the size as it was (the later value replaces the earlier, as a
      // lenient reading keeps it): one hash lookup per setting instead of has() then set().
      const { settings } = section;
      const before = settings.size;
      settings.set(key, valueAfter(text, delimiter, end));
      repeated = settings.size === before;
    }
    if (repeated) {
      this.refuse({
        line: n,
        cause: `the setting ${key} appears twice in [${section.header}] (line ${n + 1})`,
        fix: 'keep only one of them',
      });
    }
    this.option = key;
  }

  private extend(section: MutableSection, key: string, line: string): void {
    const sofar = section.settings.get(key);
    const parts = Array.isArray(sofar) ? sofar : [sofar ?? ''];
    for (; this.blanks > 0; this.blanks--) parts.push('');
    parts.push(line);
    if (parts !== sofar) section.settings.set(key, parts);
    this.continued.add(section);
  }

  private finish(): CliIniReading {
    const refuse = (r: CliRefusal): void => this.refuse(r);
    if (this.badLines.length > 0) {
      const first = this.badLines[0]!;
      const more = this.badLines.length - 1;
      refuse({
        line: first,
        cause: `line ${first + 1} is neither a [section], a "key = value" setting nor a comment${more > 0 ? ` (nor are ${more} more lines)` : ''}`,
        fix: 'fix or delete that line',
      });
    }
    const { defaults, continued } = this;
    if (continued.has(defaults)) joinValues(defaults, refuse);
    // Usually neither: then the sections are done as read.
    if (continued.size > 0 || defaults.settings.size > 0) for (const s of this.ordered) {
      if (continued.has(s)) joinValues(s, refuse);
      if (defaults.settings.size > 0) {
        // cp.get(section, key): the section's own value, else [DEFAULT]'s.
        const merged = new Map(defaults.settings);
        for (const [k, v] of s.settings) merged.set(k, v);
        s.settings = merged;
      }
    }
    // Every value is joined now: the sections are what CliSection describes.
    const sections = this.ordered as ReadonlyArray<CliSection>;
    const continuedValues = continued.size > 0;
    const byHeader = this.byName as ReadonlyMap<string, CliSection>;
    return this.refusal ? { sections, continuedValues, refusal: this.refusal, byHeader } : { sections, continuedValues, byHeader };
  }
}

/**
 * configparser joins continuation lines with \n and strips the end; botocore then reads blocks.
 * Converts the section's values in place; one-line values stay as they are.
 */
function joinValues(section: MutableSection, refuse: (r: CliRefusal) => void): void {
  const out = section.settings as Map<string, RawValue | IniValue>;
  const sectionName = section.header;
  for (const [key, raw] of section.settings) {
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
        ...(section.line >= 0 ? { line: section.line } : {}),
        cause: `in [${sectionName}], an indented line under ${key} is not a "name = value" pair`,
        fix: `indent only sub-settings under ${key}, or start that line at the beginning of the line`,
      });
    }
    out.set(key, block);
  }
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
