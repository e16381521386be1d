/**
 * Masking the secret values of the AWS shared config and credentials files for display: "Open in
 * Config File" shows a file that holds secrets as a read-only virtual document with these values
 * replaced (see maskedDocuments.ts). No `vscode` import: unit-tested under plain mocha.
 */

/** Keys whose values are secrets: the three the AWS CLI reads, and anything named like a secret or password. */
const SECRET_KEY = /^(aws_secret_access_key|aws_session_token|aws_security_token|.*secret.*|.*password.*)$/i;

/** `key = value` or `key: value`, optionally commented out (a commented-out secret is still a secret). */
const ASSIGNMENT = /^(\s*(?:[#;]\s*)?)([A-Za-z0-9_.-]+)(\s*[=:]\s*)(.*)$/;

export const MASK = '••••••••';

/** Whether a line assigns a secret (`aws_secret_access_key = …`, also commented out). */
function secretAssignment(line: string): RegExpExecArray | undefined {
  const m = ASSIGNMENT.exec(line);
  return m && SECRET_KEY.test(m[2] ?? '') ? m : undefined;
}

/**
 * A line break as botocore and iniParser.ts read one: CRLF, LF, or a lone CR. Missing the lone CR
 * would read a whole CR-only file as one line, with its secrets neither found nor masked.
 */
const LINE_BREAK = /(\r\n|\r|\n)/;

/** Whether the text has any secret value (a non-empty one) that masking would hide. */
export function hasSecrets(text: string): boolean {
  return text.split(LINE_BREAK).some((line) => {
    const m = secretAssignment(line);
    return m !== undefined && (m[4] ?? '').trim() !== '';
  });
}

/**
 * The text with every secret value replaced by MASK, line for line (so line numbers still match
 * the file). Indented continuation lines after a secret key are masked too: the ini format lets
 * a value go on over indented lines.
 */
export function maskSecrets(text: string): string {
  // Even indexes are lines, odd ones the file's own line breaks, joined back unchanged.
  const lines = text.split(LINE_BREAK);
  let continuing = false;
  for (let i = 0; i < lines.length; i += 2) {
    const line = lines[i] ?? '';
    const m = secretAssignment(line);
    if (m) {
      lines[i] = `${m[1]}${m[2]}${m[3]}${(m[4] ?? '').trim() === '' ? '' : MASK}`;
      continuing = true;
    } else if (continuing && /^[ \t]+\S/.test(line) && !/^\s*\[/.test(line)) {
      lines[i] = line.replace(/\S.*$/, MASK);
    } else {
      continuing = false;
    }
  }
  return lines.join('');
}
