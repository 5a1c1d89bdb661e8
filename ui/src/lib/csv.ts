// CSV (RFC 4180) for artifact previews: quoted fields with embedded delimiters, quotes ("") and
// line breaks, CRLF or LF line ends, comma or tab separated.

/** The first rows of a CSV text. */
export interface CsvTable {
  /** The first row (usually the header). */
  header: string[];
  /** The rows after it, at most `maxRows`. */
  rows: string[][];
  /** True when rows were left out (the limit, or a last line cut by a partial read). */
  truncated: boolean;
}

/** The delimiter a file uses: a tab for `.tsv`, else whichever of `,` `;` `\t` appears most in the first line. */
export function guessDelimiter(text: string, name = ''): string {
  if (name.toLowerCase().endsWith('.tsv')) return '\t';
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', '\t', ';']) {
    const count = firstLine.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Parses up to `maxRows` rows after the header. When `partial` is true the text is the start of a
 * longer file, so its last (possibly cut) record is dropped.
 */
export function parseCsv(text: string, options: { delimiter?: string; maxRows?: number; partial?: boolean } = {}): CsvTable {
  const delimiter = options.delimiter ?? ',';
  const maxRows = options.maxRows ?? 1000;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  let truncated = false;
  let i = 0;
  // Header plus maxRows, plus one to know whether more follow.
  const wanted = maxRows + 2;
  const endRecord = () => {
    record.push(field);
    records.push(record);
    record = [];
    field = '';
    fieldStarted = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      field += c;
      i += 1;
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      i += 1;
      continue;
    }
    if (c === delimiter) {
      record.push(field);
      field = '';
      fieldStarted = false;
      i += 1;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      if (records.length >= wanted) break;
      continue;
    }
    field += c;
    fieldStarted = true;
    i += 1;
  }
  const atEnd = i >= text.length;
  if (atEnd && (fieldStarted || record.length > 0 || quoted)) {
    // A last record without a line break: complete unless the text was cut.
    if (options.partial) {
      truncated = true;
    } else {
      endRecord();
    }
  }
  if (atEnd && options.partial && !truncated) truncated = true;
  const [header = [], ...rest] = records;
  if (rest.length > maxRows) {
    truncated = true;
    rest.length = maxRows;
  }
  return { header, rows: rest, truncated };
}
