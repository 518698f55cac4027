/**
 * nft's lexical layer for the forms rulesets use: words (addresses, ports, rates, @set,
 * $var, names), quoted strings, and the punctuation that structures a file: { } ; , and
 * newlines, which end a statement just as ';' does. '#' starts a comment to end of line
 * (that is how `nft list ruleset -a` prints handles).
 */
export type TokenKind = 'word' | 'string' | '{' | '}' | ';' | ',' | 'nl' | '=';

export interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  column: number;
}

export function tokenize(text: string): { tokens: Token[]; errors: { message: string; line: number; column: number }[] } {
  const tokens: Token[] = [];
  const errors: { message: string; line: number; column: number }[] = [];
  let line = 1;
  let col = 1;
  let i = 0;
  const push = (kind: TokenKind, t: string, l: number, c: number) => tokens.push({ kind, text: t, line: l, column: c });
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n') { push('nl', '\n', line, col); line++; col = 1; i++; continue; }
    if (ch === ' ' || ch === '\t' || ch === '\r') { i++; col++; continue; }
    if (ch === '\\' && text[i + 1] === '\n') { i += 2; line++; col = 1; continue; }
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') { i++; col++; }
      continue;
    }
    if (ch === '{' || ch === '}' || ch === ';' || ch === ',') { push(ch, ch, line, col); i++; col++; continue; }
    if (ch === '"') {
      const startCol = col;
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j++;
      if (text[j] !== '"') { errors.push({ message: 'unterminated string', line, column: col }); }
      push('string', text.slice(i + 1, j), line, startCol);
      col += j + 1 - i;
      i = j + 1;
      continue;
    }
    const startCol = col;
    let j = i;
    while (j < text.length && !' \t\r\n{};,"#'.includes(text[j]!)) j++;
    const word = text.slice(i, j);
    push(word === '=' ? '=' : 'word', word, line, startCol);
    col += j - i;
    i = j;
  }
  return { tokens, errors };
}
