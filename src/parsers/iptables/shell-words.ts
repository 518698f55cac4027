/**
 * Split a command line into words the way a POSIX shell would for the simple forms that
 * firewall scripts use: blanks separate, '...' and "..." quote, backslash escapes, `#`
 * starts a comment at a word start. Expansions are left to the caller ($VAR kept as text).
 * Stops at an unquoted command separator (; && || |) and reports where.
 */
export interface Word {
  text: string;
  /** 0-based offset in the input where the word starts. */
  start: number;
  /** True if any part was quoted (then $VAR inside single quotes is literal). */
  quoted: boolean;
}

export interface SplitResult {
  words: Word[];
  /** Offset just after the separator, when the command ended at one (rest is another command). */
  restOffset?: number;
  unterminatedQuote: boolean;
}

const SPECIAL = new Set([' ', '\t', '\r', '\n', ';', '|', '&', "'", '"', '\\']);

export function splitWords(line: string, from = 0): SplitResult {
  const words: Word[] = [];
  let i = from;
  let cur: Word | undefined;
  const flush = () => {
    if (cur) words.push(cur);
    cur = undefined;
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      flush();
      i++;
      continue;
    }
    if (!cur && c === '#') break;
    if (c === ';' || c === '|' || (c === '&' && line[i + 1] === '&')) {
      flush();
      const len = (c === '|' && line[i + 1] === '|') || c === '&' ? 2 : 1;
      return { words, restOffset: i + len, unterminatedQuote: false };
    }
    if (!cur) cur = { text: '', start: i, quoted: false };
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) { cur.text += line.slice(i + 1); flush(); return { words, unterminatedQuote: true }; }
      cur.text += line.slice(i + 1, end);
      cur.quoted = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let text = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) { text += line[j + 1]; j += 2; continue; }
        text += line[j];
        j++;
      }
      if (j >= line.length) { cur.text += text; flush(); return { words, unterminatedQuote: true }; }
      cur.text += text;
      cur.quoted = true;
      i = j + 1;
      continue;
    }
    if (c === '\\' && i + 1 < line.length) {
      cur.text += line[i + 1];
      i += 2;
      continue;
    }
    // A run of ordinary characters in one slice (cheaper than char by char).
    let j = i + 1;
    while (j < line.length && !SPECIAL.has(line[j]!)) j++;
    cur.text += line.slice(i, j);
    i = j;
  }
  flush();
  return { words, unterminatedQuote: false };
}
