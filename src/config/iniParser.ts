/**
 * The AWS CLI's reading of one shared config or credentials file.
 *
 * The CLI (botocore) reads these files with Python's `configparser.RawConfigParser()` in its
 * default, strict mode, and that parser differs from other INI readers in ways that decide whether
 * a profile works: no inline comments (`region = us-east-1 # prod` keeps the comment in the
 * value), `:` as well as `=` between key and value, keys lower-cased, indented lines continuing
 * the previous value, `[DEFAULT]` applying to every section, lone CR as a line break, and a whole
 * file refused for a duplicate section or key or a line outside any section. (A byte-order mark or
 * bytes that are not UTF-8 are found while decoding: configFiles.ts passes them in.) This module
 * follows those rules (learnt from Python 3.11's configparser and botocore's configloader).
 *
 * Pure: text in, data out. No `vscode`, no I/O.
 */
import { isPySpace, PY_SPLITLINES, pyRstrip, pyStrip } from './pythonText';

/** A setting's value: a string, or the `key =` + indented `sub = value` lines botocore reads as a block. */
export type IniValue = string | Readonly<Record<string, string>>;

/** One `[section]` as the CLI reads it. */
export interface IniSection {
  /** The text between the brackets, exactly as the CLI uses it (not trimmed, case kept). */
  readonly header: string;
  /** 0-based line of the header (a lone CR counts as a line break, as in Python and VS Code). */
  readonly line: number;
  /** Settings with `[DEFAULT]`'s merged under the section's own; keys lower-cased. */
  readonly settings: ReadonlyMap<string, IniValue>;
}

/** Why the CLI refuses the whole file (every `aws` command then fails). */
export interface IniRefusal {
  /** 0-based line the CLI stumbles on, when there is one. */
  readonly line?: number;
  /** What is wrong, e.g. `the section [profile dev] appears twice (lines 3 and 9)`. */
  readonly cause: string;
  /** What to do about it. */
  readonly fix: string;
}

export interface IniReading {
  /** Sections in file order. When the file is refused they are read leniently, for display. */
  readonly sections: ReadonlyArray<IniSection>;
  /** True when some value spans lines or is a block (only then need a reader look for one). */
  readonly continuedValues: boolean;
  /** Set when the CLI would refuse the file; the first reason it meets. */
  readonly refusal?: IniRefusal;
}

/** What decoding the bytes found that the CLI refuses (see configFiles.ts `decodeSharedFile`). */
export interface DecodingIssues {
  readonly hadByteOrderMark?: boolean;
  /** 0-based line of the first byte sequence that is not UTF-8, if any. */
  readonly invalidUtf8Line?: number;
}

/** A value as collected: one line, or the lines of a value continued on indented lines. */
type RawValue = string | string[];

/** A section while it is read; handed out as the IniSection once its values are joined. */
interface SectionBeingRead {
  readonly header: string;
  readonly line: number;
  settings: Map<string, RawValue | IniValue>;
}

/**
 * Reads a file's text as botocore's `raw_config_parse` does. Never throws: where the CLI would
 * refuse the file, `refusal` says why and the sections are read as a lenient parser would (a
 * repeated section merged into the first, a repeated key's later value kept), so the profiles can
 * still be listed (each marked as unusable by the caller).
 */
export function readIniAsCli(text: string, issues: DecodingIssues = {}): IniReading {
  // Python's text mode turns \r\n and a lone \r into \n; after that a line ends at \n only.
  const reader = new IniReader(text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text);
  // The decoder fails before the parser sees the text, and a BOM makes the first line a
  // "line outside any section" (Python's utf-8 codec keeps U+FEFF; strip() does not remove it).
  if (issues.invalidUtf8Line !== undefined) {
    reader.refuse({
      line: issues.invalidUtf8Line,
      cause: `it is not valid UTF-8 (line ${issues.invalidUtf8Line + 1} has bytes in another encoding)`,
      fix: 'save the file as UTF-8',
    });
  }
  if (issues.hadByteOrderMark) reader.refuse({ line: 0, cause: 'it starts with a byte-order mark (BOM)', fix: 'save the file as UTF-8 without a BOM' });
  return reader.read();
}

/**
 * The keys of a file, lower-cased (configparser's optionxform). A file repeats a handful of keys
 * thousands of times: each is compared in place with the spellings already seen of its length,
 * so a repeated key is neither sliced out nor lower-cased again, and all its settings share one
 * string.
 */
class KeyTable {
  /** The spellings seen, by length (a few per length: beyond that, keys are simply sliced). */
  private readonly byLength: { readonly raw: string; readonly key: string }[][] = [];

  constructor(private readonly text: string) {}

  /** The key written at text[start, end). */
  key(start: number, end: number): string {
    const seen = (this.byLength[end - start] ??= []);
    // Indexed: until V8 optimizes it, a for-of loop allocates at each step, and this runs per line.
    for (let i = 0; i < seen.length; i++) {
      if (this.text.startsWith(seen[i]!.raw, start)) return seen[i]!.key;
    }
    const raw = this.text.slice(start, end);
    const key = raw.toLowerCase();
    if (seen.length < 8) seen.push({ raw, key });
    return key;
  }
}

/**
 * Where the next `c` is in `text` at or after a position, for positions that only grow: a search
 * is reused until the reading passes it, so the text is scanned once in all (searching from each
 * line anew could run far past it in a file where `c` is rare).
 */
class NextOf {
  private at = -1;

  constructor(
    private readonly text: string,
    private readonly c: string,
  ) {}

  /** Its position, or the text's length when there is none. */
  from(position: number): number {
    if (this.at < position) {
      const i = this.text.indexOf(this.c, position);
      this.at = i < 0 ? this.text.length : i;
    }
    return this.at;
  }
}

/**
 * configparser's reading loop: one pass over the lines, one method per kind of line.
 *
 * Lines are handled as positions in the text, and only keys, values and headers are sliced out:
 * in a fresh extension host this runs mostly in V8's interpreter, where a string per line (and
 * the garbage collections they bring) cost as much as the reading itself.
 */
class IniReader {
  private refusal: IniRefusal | undefined;
  private readonly byName = new Map<string, SectionBeingRead>();
  private readonly ordered: SectionBeingRead[] = [];
  private readonly defaults: SectionBeingRead = { header: 'DEFAULT', line: -1, settings: new Map() };
  /** Sections with a value continued on indented lines: only these need their values joined. */
  private readonly continued = new Set<SectionBeingRead>();
  private current: SectionBeingRead | undefined;
  /** configparser's `optname`: the value that indented lines below extend. */
  private option: string | undefined;
  /** Blank lines after `option`'s last line: part of the value if a continuation follows. */
  private blanks = 0;
  private indentLevel = 0;
  /** Lines that are neither section, setting nor comment (refused together at the end). */
  private readonly badLines: number[] = [];
  private readonly keys: KeyTable;
  private readonly equals: NextOf;
  private readonly colons: NextOf;

  /** `text`: line breaks already turned into \n. */
  constructor(private readonly text: string) {
    this.keys = new KeyTable(text);
    this.equals = new NextOf(text, '=');
    this.colons = new NextOf(text, ':');
  }

  /** Keeps the first reason the CLI would refuse the file. */
  refuse(r: IniRefusal): void {
    this.refusal ??= r;
  }

  read(): IniReading {
    const { text } = this;
    for (let start = 0, n = 0; start < text.length; n++) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      let first = start;
      while (first < end && isPySpace(text.charCodeAt(first))) first++;
      if (first === end) {
        if (this.current && this.option) this.blanks++;
      } else {
        let last = end;
        while (isPySpace(text.charCodeAt(last - 1))) last--;
        this.line(n, first, last, first - start);
      }
      start = end + 1;
    }
    return this.finish();
  }

  /** A line that is not blank: text[first, last) is its content, stripped; `indent`: how many spaces it started with. */
  private line(n: number, first: number, last: number, indent: number): void {
    const { text } = this;
    const c = text[first];
    // Full-line comments only: configparser is not given inline comment prefixes by botocore.
    if (c === '#' || c === ';') return;
    if (indent > this.indentLevel && this.current && this.option) {
      this.extend(this.current, this.option, text.slice(first, last));
      return;
    }
    this.indentLevel = indent;
    // configparser's SECTCRE `\[(?P<header>.+)\]` applied with re.match: greedy, so the header
    // ends at the last `]` on the line, anything after it is ignored, and it is never empty.
    if (c === '[') {
      const close = text.lastIndexOf(']', last - 1);
      if (close > first + 1) {
        this.openSection(n, text.slice(first + 1, close));
        return;
      }
    }
    if (this.current) this.setting(this.current, n, first, last);
    else this.refuse({ line: n, cause: `line ${n + 1} is not inside any [section]`, fix: 'move it under a [profile ...] section or delete it' });
  }

  private openSection(n: number, name: string): void {
    this.setOption(undefined);
    if (name === 'DEFAULT') {
      this.current = this.defaults;
      return;
    }
    const existing = this.byName.get(name);
    if (existing) {
      this.refuse({ line: n, cause: `the section [${name}] appears twice (lines ${existing.line + 1} and ${n + 1})`, fix: 'merge the two sections into one' });
      this.current = existing;
      return;
    }
    const created: SectionBeingRead = { header: name, line: n, settings: new Map() };
    this.byName.set(name, created);
    this.ordered.push(created);
    this.current = created;
  }

  /** A `key = value` (or `key: value`) line of `section`, text[first, last). */
  private setting(section: SectionBeingRead, n: number, first: number, last: number): void {
    const { text } = this;
    // OPTCRE: the key ends at the first `=` or `:`.
    const delimiter = Math.min(this.equals.from(first), this.colons.from(first));
    if (delimiter >= last) {
      // Not fatal at once: configparser collects such lines and refuses the file at the end.
      // It also leaves `optname` alone, so indented lines below still extend the last value.
      this.badLines.push(n);
      return;
    }
    // The line is stripped already: only the spaces around the delimiter are left to skip.
    let keyEnd = delimiter;
    while (keyEnd > first && isPySpace(text.charCodeAt(keyEnd - 1))) keyEnd--;
    let valueStart = delimiter + 1;
    while (valueStart < last && isPySpace(text.charCodeAt(valueStart))) valueStart++;
    const key = this.keys.key(first, keyEnd);
    if (key === '') this.badLines.push(n);
    if (section.settings.has(key)) {
      this.refuse({ line: n, cause: `the setting ${key} appears twice in [${section.header}] (line ${n + 1})`, fix: 'keep only one of them' });
    }
    // A lenient reading keeps the later value, as the SDK's parser does.
    section.settings.set(key, text.slice(valueStart, last));
    this.setOption(key);
  }

  /**
   * A new value for indented lines to extend. The blank lines counted so far stay with the
   * previous one (where they trail, and are stripped): only a line that changes the option
   * drops them, not a line configparser merely notes as an error.
   */
  private setOption(key: string | undefined): void {
    this.option = key;
    this.blanks = 0;
  }

  private extend(section: SectionBeingRead, key: string, line: string): void {
    const sofar = section.settings.get(key);
    const parts = Array.isArray(sofar) ? sofar : [typeof sofar === 'string' ? sofar : ''];
    for (; this.blanks > 0; this.blanks--) parts.push('');
    parts.push(line);
    if (parts !== sofar) section.settings.set(key, parts);
    this.continued.add(section);
  }

  private finish(): IniReading {
    const refuse = (r: IniRefusal): void => this.refuse(r);
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
    // botocore reads [DEFAULT]'s values as the sections' own: a bad block there is refused only
    // if some section takes it (not when every section sets that key itself).
    const badDefaults = continued.has(defaults) ? joinValues(defaults) : [];
    // Most files have neither: then every section is final as it was read.
    if (continued.size > 0 || defaults.settings.size > 0) {
      for (const s of this.ordered) {
        const bad = continued.has(s) ? joinValues(s) : [];
        if (bad.length > 0) refuse(badBlock(s, bad[0]!));
        if (defaults.settings.size > 0) {
          const taken = badDefaults.find((k) => !s.settings.has(k));
          if (taken !== undefined) refuse(badBlock(defaults, taken));
          // cp.get(section, key): the section's own value, else [DEFAULT]'s.
          const merged = new Map(defaults.settings);
          s.settings.forEach((v, k) => merged.set(k, v));
          s.settings = merged;
        }
      }
    }
    // Every value is joined now: the sections are what IniSection describes.
    const sections = this.ordered as ReadonlyArray<IniSection>;
    const continuedValues = continued.size > 0;
    return this.refusal ? { sections, continuedValues, refusal: this.refusal } : { sections, continuedValues };
  }
}

/**
 * configparser joins continuation lines with \n and strips the end; botocore then reads a value
 * that starts with a line break as a block of `sub = value` lines. Converts in place; returns the
 * keys whose block has a line that is not such a pair (botocore refuses the file for it).
 */
function joinValues(section: SectionBeingRead): string[] {
  const bad: string[] = [];
  for (const [key, raw] of section.settings) {
    if (!Array.isArray(raw)) continue;
    const joined = pyRstrip(raw.join('\n'));
    if (!joined.startsWith('\n')) {
      section.settings.set(key, joined);
      continue;
    }
    const block: Record<string, string> = Object.create(null) as Record<string, string>;
    let pairs = true;
    for (const part of joined.split(PY_SPLITLINES)) {
      const sub = pyStrip(part);
      if (sub === '') continue;
      const eq = sub.indexOf('=');
      if (eq < 0) pairs = false;
      else block[pyStrip(sub.slice(0, eq))] = pyStrip(sub.slice(eq + 1));
    }
    if (!pairs) bad.push(key);
    section.settings.set(key, block);
  }
  return bad;
}

/** Why the CLI refuses a file with `key`'s block in `section` (see joinValues). */
function badBlock(section: SectionBeingRead, key: string): IniRefusal {
  // The line is not quoted: it may hold a secret.
  return {
    ...(section.line >= 0 ? { line: section.line } : {}),
    cause: `in [${section.header}], an indented line under ${key} is not a "name = value" pair`,
    fix: `indent only sub-settings under ${key}, or start that line at the beginning of the line`,
  };
}

