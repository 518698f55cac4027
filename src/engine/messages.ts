import { toUtf8Bytes, utf8Bytes } from './utf8-text.js';

type Data = Record<string, string | number | boolean> | undefined;
type Compiled = (data: Data) => string;

// Rule messages are few and formatted tens of thousands of times per scan: split each
// template once into literal and placeholder parts (for byte strings, each part converted
// once; see utf8-text.ts).
const compiled = new Map<string, Compiled>();
const compiledBytes = new Map<string, Compiled>();

function compile(template: string, bytes: boolean): Compiled {
  const parts = template.split(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/);
  if (bytes) for (let i = 0; i < parts.length; i += 2) parts[i] = toUtf8Bytes(parts[i]!);
  if (parts.length === 1) return () => parts[0]!;
  // join, not +=: a message is kept for the whole run (hundreds of thousands on a large
  // tree), and += leaves a tree of concatenated pieces where join gives one flat string.
  return (data) => {
    const out: string[] = new Array(parts.length);
    out[0] = parts[0];
    for (let i = 1; i < parts.length; i += 2) {
      const name = parts[i];
      // One keyed read in the usual case; `in` only for a missing or undefined value.
      const value = data?.[name];
      if (typeof value === 'string') out[i] = bytes ? utf8Bytes(value) : value;
      // A number or boolean spells itself in ASCII; a missing value shows its ASCII name.
      else out[i] = value !== undefined ? String(value) : data && name in data ? 'undefined' : `{{${name}}}`;
      out[i + 1] = parts[i + 1];
    }
    return out.join('');
  };
}

/**
 * Fills {{name}} placeholders; an unknown name is left visible rather than silently blank.
 * bytes: the message as a byte string (its UTF-8 bytes, one per character: see utf8-text.ts).
 */
export function formatMessage(template: string, data: Data, bytes = false): string {
  const cache = bytes ? compiledBytes : compiled;
  let fn = cache.get(template);
  if (!fn) cache.set(template, (fn = compile(template, bytes)));
  return fn(data);
}
