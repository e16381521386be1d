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
  const reader = new IniReader();
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
  // Python's text mode turns \r\n and a lone \r into \n; after that a line ends at \n only.
  return reader.read(text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text);
}

/** configparser's reading loop: one pass over the lines, one method per kind of line. */
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

  /** Keeps the first reason the CLI would refuse the file. */
  refuse(r: IniRefusal): void {
    this.refusal ??= r;
  }

  read(text: string): IniReading {
    const lines = text.split('\n');
    for (let n = 0; n < lines.length; n++) {
      const raw = lines[n]!;
      let start = 0;
      while (start < raw.length && isPySpace(raw.charCodeAt(start))) start++;
      if (start === raw.length) {
        if (this.current && this.option) this.blanks++;
        continue;
      }
      this.line(n, pyRstrip(raw.slice(start)), start);
    }
    return this.finish();
  }

  /** A line that is not blank, stripped; `indent` is how many spaces it started with. */
  private line(n: number, content: string, indent: number): void {
    // Full-line comments only: configparser is not given inline comment prefixes by botocore.
    if (content[0] === '#' || content[0] === ';') return;
    if (indent > this.indentLevel && this.current && this.option) {
      this.extend(this.current, this.option, content);
      return;
    }
    this.blanks = 0;
    this.indentLevel = indent;
    // configparser's SECTCRE `\[(?P<header>.+)\]` applied with re.match: greedy, so the header
    // ends at the last `]` on the line, anything after it is ignored, and it is never empty.
    if (content[0] === '[') {
      const close = content.lastIndexOf(']');
      if (close > 1) {
        this.openSection(n, content.slice(1, close));
        return;
      }
    }
    if (this.current) this.setting(this.current, n, content);
    else this.refuse({ line: n, cause: `line ${n + 1} is not inside any [section]`, fix: 'move it under a [profile ...] section or delete it' });
  }

  private openSection(n: number, name: string): void {
    this.option = undefined;
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

  /** A `key = value` (or `key: value`) line of `section`. */
  private setting(section: SectionBeingRead, n: number, content: string): void {
    // OPTCRE: the key ends at the first `=` or `:`.
    let delimiter = 0;
    while (delimiter < content.length && content[delimiter] !== '=' && content[delimiter] !== ':') delimiter++;
    if (delimiter === content.length) {
      // Not fatal at once: configparser collects such lines and refuses the file at the end.
      // It also leaves `optname` alone, so indented lines below still extend the last value.
      this.badLines.push(n);
      return;
    }
    const key = pyRstrip(content.slice(0, delimiter)).toLowerCase();
    if (key === '') this.badLines.push(n);
    if (section.settings.has(key)) {
      this.refuse({ line: n, cause: `the setting ${key} appears twice in [${section.header}] (line ${n + 1})`, fix: 'keep only one of them' });
    }
    // A lenient reading keeps the later value, as the SDK's parser does.
    section.settings.set(key, pyStrip(content.slice(delimiter + 1)));
    this.option = key;
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
    if (continued.has(defaults)) joinValues(defaults, refuse);
    for (const s of this.ordered) {
      if (continued.has(s)) joinValues(s, refuse);
      if (defaults.settings.size > 0) {
        // cp.get(section, key): the section's own value, else [DEFAULT]'s.
        const merged = new Map(defaults.settings);
        for (const [k, v] of s.settings) merged.set(k, v);
        s.settings = merged;
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
 * that starts with a line break as a block of `sub = value` lines. Converts in place.
 */
function joinValues(section: SectionBeingRead, refuse: (r: IniRefusal) => void): void {
  for (const [key, raw] of section.settings) {
    if (!Array.isArray(raw)) continue;
    const joined = pyRstrip(raw.join('\n'));
    if (!joined.startsWith('\n')) {
      section.settings.set(key, joined);
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
        cause: `in [${section.header}], an indented line under ${key} is not a "name = value" pair`,
        fix: `indent only sub-settings under ${key}, or start that line at the beginning of the line`,
      });
    }
    section.settings.set(key, block);
  }
}

