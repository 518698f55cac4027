type Data = Record<string, string | number | boolean> | undefined;
type Compiled = (data: Data) => string;

// Rule messages are few and formatted tens of thousands of times per scan: split each
// template once into literal and placeholder parts.
const compiled = new Map<string, Compiled>();

function compile(template: string): Compiled {
  const parts = template.split(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/);
  if (parts.length === 1) return () => template;
  // join, not +=: a message is kept for the whole run (hundreds of thousands on a large
  // tree), and += leaves a tree of concatenated pieces where join gives one flat string.
  return (data) => {
    const out: string[] = new Array(parts.length);
    out[0] = parts[0];
    for (let i = 1; i < parts.length; i += 2) {
      const name = parts[i];
      // One keyed read in the usual case; `in` only for a missing or undefined value.
      const value = data?.[name];
      out[i] = value !== undefined ? String(value) : data && name in data ? 'undefined' : `{{${name}}}`;
      out[i + 1] = parts[i + 1];
    }
    return out.join('');
  };
}

/** Fills {{name}} placeholders; an unknown name is left visible rather than silently blank. */
export function formatMessage(template: string, data: Data): string {
  let fn = compiled.get(template);
  if (!fn) compiled.set(template, (fn = compile(template)));
  return fn(data);
}
