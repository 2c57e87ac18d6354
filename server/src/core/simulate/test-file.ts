/** One line of a `tests` file: a Perl hash literal such as `{ from => 'host', dport => 22 }`. */
export interface TestCase {
  readonly lineNumber: number;
  readonly text: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface TestFileError {
  readonly lineNumber: number;
  readonly message: string;
}

class LiteralError extends Error {}

// Reads the hash literal: bareword or quoted keys, `=>` or `,` between key and value,
// single- or double-quoted strings and numbers as values, an optional trailing comma.
function parseHashLiteral(text: string): Record<string, string> {
  let i = 0;
  const skip = (): void => {
    while (i < text.length && /\s/.test(text.charAt(i))) i++;
  };
  const expect = (token: string): void => {
    skip();
    if (!text.startsWith(token, i))
      throw new LiteralError(`expected '${token}' at column ${i + 1}`);
    i += token.length;
  };
  const scalar = (): string => {
    skip();
    const quote = text[i];
    if (quote === "'" || quote === '"') {
      let value = '';
      for (i++; i < text.length && text[i] !== quote; i++) {
        if (text[i] === '\\' && i + 1 < text.length) {
          const escaped = text.charAt(++i);
          value +=
            quote === '"'
              ? ({ n: '\n', t: '\t' }[escaped] ?? escaped)
              : escaped === "'" || escaped === '\\'
                ? escaped
                : `\\${escaped}`;
        } else {
          value += text[i];
        }
      }
      if (i >= text.length) throw new LiteralError('unterminated string');
      i++;
      return value;
    }
    const word = /^(?:-?[0-9]+(?:\.[0-9]+)?|[A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
    if (!word) throw new LiteralError(`unexpected '${text.slice(i, i + 10)}'`);
    i += word[0].length;
    return word[0];
  };
  const fields: Record<string, string> = {};
  expect('{');
  for (;;) {
    skip();
    if (text[i] === '}') break;
    const key = scalar();
    skip();
    if (text.startsWith('=>', i)) i += 2;
    else expect(',');
    fields[key] = scalar();
    skip();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new LiteralError(`expected ',' or '}' at column ${i + 1}`);
  }
  i++;
  skip();
  if (i < text.length) throw new LiteralError(`unexpected text after '}'`);
  return fields;
}

/**
 * Reads a `tests` file as Proxmox's fwtester.pl does: blank lines and `#` comments are
 * skipped, every other line is one test.
 */
export function parseTestsFile(text: string): { cases: TestCase[]; errors: TestFileError[] } {
  const cases: TestCase[] = [];
  const errors: TestFileError[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').trim();
    const lineNumber = index + 1;
    if (line === '' || line.startsWith('#')) return;
    if (!/^\{.*\}$/.test(line)) {
      errors.push({
        lineNumber,
        message: 'parse error: a test is one { key => value, … } per line',
      });
      return;
    }
    try {
      cases.push({ lineNumber, text: line, fields: parseHashLiteral(line) });
    } catch (error) {
      if (!(error instanceof LiteralError)) throw error;
      errors.push({ lineNumber, message: `parse error: ${error.message}` });
    }
  });
  return { cases, errors };
}
