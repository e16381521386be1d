/**
 * The AWS SDK's reading of one profile, from only the sections that can matter to it.
 *
 * The SDK (smithy's `parseIni`, inside `parseKnownFiles` and `fromIni`) reads the whole of both
 * files every time. In an organisation-wide config of 10,000 profiles one reading costs about
 * 0.1 s, and a switch used to pay it four times (its check, the chain inspection, the reading of
 * the profile and `fromIni`'s own): about 0.8 s per switch, where a small config takes 15 ms.
 *
 * smithy's parser is section-local: a section header resets its state, lines before the first
 * header are ignored, and sections of the same name are merged in file order. So the SDK reads a
 * profile from a text made of just some sections exactly as it reads it from the whole file,
 * provided that text keeps every section the SDK could give that name, in their order. Each
 * section the SDK names after a profile or session has that name inside its header line, so
 * "every section whose header line mentions the name" is a safe superset; sections named
 * `__proto__` (which make the parser throw and the SDK ignore the whole file) are always kept.
 *
 * Pure: text in, text out. The parsing is passed in, so each bundle uses its own copy of the SDK.
 */

/** Settings by SDK section name, as `parseKnownFiles` returns them. */
export type SdkSections = Readonly<Record<string, Readonly<Record<string, string | undefined>> | undefined>>;

/** Where a file's SDK sections start, to pick some of them out repeatedly without re-scanning. */
export interface SdkSectionIndex {
  readonly text: string;
  /** Offset of each header line, in file order. */
  readonly starts: ReadonlyArray<number>;
  /** Each header line, as it is in the file. */
  readonly headers: ReadonlyArray<string>;
}

// A header line has only whitespace before its `[` (\s without \n: a line ends at \n for smithy).
const HEADER_START = /[^\S\n]*\[/y;

/** A line as smithy's parser reads it: cut at the first `;` or `#` that starts it or follows whitespace, trimmed. */
export function sdkLineContent(line: string): string {
  return (line.split(/(^|\s)[;#]/)[0] ?? '').trim();
}

/** smithy's test for a section header: the line's content is `[...]`. */
function isSdkHeader(line: string): boolean {
  const t = sdkLineContent(line);
  return t.startsWith('[') && t.endsWith(']');
}

/** Finds the section headers the SDK sees in `text` (lines split at \n, as /\r?\n/ does). */
export function indexSdkSections(text: string): SdkSectionIndex {
  const starts: number[] = [];
  const headers: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    HEADER_START.lastIndex = start;
    if (HEADER_START.test(text)) {
      const line = text.slice(start, end);
      if (isSdkHeader(line)) {
        starts.push(start);
        headers.push(line);
      }
    }
    start = end + 1;
  }
  return { text, starts, headers };
}

/**
 * The sections whose header line contains one of `names` (or `__proto__`), in file order, as one
 * text the SDK reads those names from exactly as it reads them from the whole file.
 */
export function sectionsMentioning(index: SdkSectionIndex, names: Iterable<string>): string {
  const wanted = [...names, '__proto__'];
  const parts: string[] = [];
  const { text, starts, headers } = index;
  for (let i = 0; i < starts.length; i++) {
    const header = headers[i]!;
    if (wanted.some((name) => name !== '' && header.includes(name))) parts.push(text.slice(starts[i], starts[i + 1] ?? text.length));
  }
  // A kept section that ends the file may lack its final line break; the next one must not join it.
  return parts.map((p) => (p.endsWith('\n') ? p : `${p}\n`)).join('');
}

/** The two files' texts, reduced to the sections one profile's reading needs. */
export interface ProfileTexts {
  readonly config: string;
  readonly credentials: string;
}

/** Both files with their section headers found once, for the readings that pick sections out. */
export interface IndexedTexts {
  readonly config: SdkSectionIndex;
  readonly credentials: SdkSectionIndex;
}

export function indexTexts(full: ProfileTexts): IndexedTexts {
  return { config: indexSdkSections(full.config), credentials: indexSdkSections(full.credentials) };
}

/** Both files reduced to the sections that mention one of `names` (see sectionsMentioning). */
export function textsMentioning(indexed: IndexedTexts, names: Iterable<string>): ProfileTexts {
  const wanted = [...names];
  return { config: sectionsMentioning(indexed.config, wanted), credentials: sectionsMentioning(indexed.credentials, wanted) };
}

export interface SdkProfileReading {
  /** The texts the sections were read from (give these to `fromIni`). */
  readonly texts: ProfileTexts;
  /** The SDK's reading of them: the profile, its source_profile chain and its sso-session. */
  readonly sections: SdkSections;
}

/** Parses two texts as the SDK's `parseKnownFiles` does (config first, credentials over it). */
export type SdkParse = (texts: ProfileTexts) => Promise<SdkSections>;

/**
 * The SDK's reading of `profile` and of every profile and sso-session it leads to (source_profile
 * links and sso_session, as the SDK itself reads them), from the sections that can define them.
 * One small parse per link of the chain instead of one parse of the whole files.
 */
export async function readProfileAsSdk(full: IndexedTexts, profile: string, parse: SdkParse): Promise<SdkProfileReading> {
  const names = new Set([profile]);
  for (;;) {
    const texts = textsMentioning(full, names);
    const sections = await parse(texts);
    const before = names.size;
    for (const name of [...names]) {
      const s = Object.prototype.hasOwnProperty.call(sections, name) ? sections[name] : undefined;
      if (typeof s?.source_profile === 'string') names.add(s.source_profile);
      if (typeof s?.sso_session === 'string') names.add(s.sso_session);
    }
    // Every name the chain reaches is in: a further round would read the same sections.
    if (names.size === before) return { texts, sections };
  }
}

/** The part of smithy's `externalDataInterceptor` used to hand it texts under made-up paths. */
export interface FileInterceptor {
  interceptFile(path: string, contents: string): void;
  getFileRecord(): Record<string, unknown>;
}

/** The two parts of a copy of smithy's loader this module needs (each bundle has its own copy). */
export interface SdkIniLoader {
  readonly externalDataInterceptor: FileInterceptor;
  parseKnownFiles(init: { configFilepath: string; filepath: string; ignoreCache: boolean }): Promise<unknown>;
}

/** `parseKnownFiles` of `loader` on texts held in memory (see withInMemoryFiles). */
export function sdkParse(loader: SdkIniLoader): SdkParse {
  return (texts) =>
    withInMemoryFiles(loader.externalDataInterceptor, texts, async (p) =>
      (await loader.parseKnownFiles({ configFilepath: p.configFile, filepath: p.credentialsFile, ignoreCache: true })) as SdkSections,
    );
}

let inMemoryCounter = 0;

/**
 * Runs `use` with `texts` registered as two files only the SDK's reader sees (paths no real file
 * has), and removes them when it settles: the credentials text holds keys and must not linger.
 */
export async function withInMemoryFiles<T>(
  interceptor: FileInterceptor,
  texts: ProfileTexts,
  use: (paths: { configFile: string; credentialsFile: string }) => Promise<T>,
): Promise<T> {
  const id = ++inMemoryCounter;
  const paths = {
    configFile: `aws-identity-switcher:in-memory/${process.pid}/${id}/config`,
    credentialsFile: `aws-identity-switcher:in-memory/${process.pid}/${id}/credentials`,
  };
  interceptor.interceptFile(paths.configFile, texts.config);
  interceptor.interceptFile(paths.credentialsFile, texts.credentials);
  try {
    return await use(paths);
  } finally {
    const record = interceptor.getFileRecord();
    delete record[paths.configFile];
    delete record[paths.credentialsFile];
  }
}
