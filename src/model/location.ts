/**
 * Where something came from. A file location uses the path relative to the scan root
 * (POSIX separators) so that results are stable across machines; an endpoint location
 * names a probed server as ftps://host:port.
 */
export interface FileLocation {
  /** Path relative to the scan root, POSIX separators. */
  file: string;
  /** 1-based line; absent when the finding is about the whole file. */
  line?: number;
  /** 1-based column. */
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export interface Location extends Partial<FileLocation> {
  /** A probed endpoint, e.g. ftps://127.0.0.1:990. */
  endpoint?: string;
}

export function formatLocation(loc: Location | undefined): string {
  if (!loc) return '';
  const parts: string[] = [];
  if (loc.file) {
    let s = loc.file;
    if (loc.line !== undefined) s += `:${loc.line}`;
    if (loc.line !== undefined && loc.column !== undefined) s += `:${loc.column}`;
    parts.push(s);
  }
  if (loc.endpoint) parts.push(loc.endpoint);
  return parts.join(' ');
}
