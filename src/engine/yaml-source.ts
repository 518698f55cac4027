import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { ErrorObject } from 'ajv';

/** A data file read for validation: keeps the parsed document so errors can name a line. */
export interface DataFile {
  path: string;
  value: unknown;
  doc?: Document;
  lines?: LineCounter;
}

export class DataFileError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: ${problems.join('; ')}`);
  }
}

/** Reads YAML or JSON (JSON is YAML); syntax errors become a DataFileError naming the line. */
export function readDataFile(file: string): DataFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataFileError(file, [`cannot read: ${(err as Error).message}`]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new DataFileError(
      file,
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return `line ${pos.line}:${pos.col}: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  return { path: file, value: doc.toJS(), doc, lines };
}

/** "line 12: /controls/0/rules/1 must be string" for an ajv error, using the YAML node position. */
export function describeAjvError(data: DataFile, err: ErrorObject): string {
  const segments = err.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
  let where = '';
  if (data.doc && data.lines) {
    const node = data.doc.getIn(segments, true);
    if (isNode(node) && node.range) {
      const pos = data.lines.linePos(node.range[0]);
      where = `line ${pos.line}: `;
    }
  }
  const field = err.instancePath || '(top level)';
  let detail = err.message ?? 'is invalid';
  if (err.keyword === 'additionalProperties') detail = `has unknown field "${String(err.params.additionalProperty)}"`;
  if (err.keyword === 'enum') detail = `must be one of ${(err.params.allowedValues as unknown[]).join(', ')}`;
  return `${where}${field} ${detail}`;
}
