import type { ScanReport } from '../model/report.js';

/**
 * Output formats by name. Each renderer is a pure function of a ScanReport and is imported
 * only when its format is asked for, so that `ftps-audit --version` and a text-only scan
 * never load handlebars or the SARIF tables.
 *
 *   const text = await renderFormat('sarif', report);          // one line per output
 */
export const FORMAT_NAMES = ['text', 'json', 'sarif', 'html', 'junit'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export interface RenderOptions {
  /** text: ANSI colours (never for files). */
  color?: boolean;
  /** text: list passing results too. */
  showPasses?: boolean;
  /** sarif: code scanning category (runAutomationDetails.id prefix). */
  sarifCategory?: string;
}

export interface FormatInfo {
  name: FormatName;
  /** Conventional file extension, for default file names. */
  extension: string;
  mediaType: string;
  render(report: ScanReport, opts: RenderOptions): Promise<string>;
}

export const FORMATS: Record<FormatName, FormatInfo> = {
  text: {
    name: 'text',
    extension: 'txt',
    mediaType: 'text/plain',
    render: async (r, o) => (await import('./text.js')).renderText(r, { color: o.color ?? false, showPasses: o.showPasses ?? false }),
  },
  json: { name: 'json', extension: 'json', mediaType: 'application/json', render: async (r) => (await import('./json.js')).renderJson(r) },
  sarif: {
    name: 'sarif',
    extension: 'sarif',
    mediaType: 'application/sarif+json',
    render: async (r, o) => (await import('./sarif.js')).renderSarif(r, o.sarifCategory ? { category: o.sarifCategory } : {}),
  },
  html: { name: 'html', extension: 'html', mediaType: 'text/html', render: async (r) => (await import('./html.js')).renderHtml(r) },
  junit: { name: 'junit', extension: 'xml', mediaType: 'application/xml', render: async (r) => (await import('./junit.js')).renderJunit(r) },
};

export function isFormatName(s: string): s is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(s);
}

export class UnknownFormatError extends Error {
  constructor(readonly format: string) {
    super(`unknown format "${format}" (known: ${FORMAT_NAMES.join(', ')})`);
    this.name = 'UnknownFormatError';
  }
}

/** Renders a report in the named format; throws UnknownFormatError for any other name. */
export async function renderFormat(format: string, report: ScanReport, opts: RenderOptions = {}): Promise<string> {
  if (!isFormatName(format)) throw new UnknownFormatError(format);
  return FORMATS[format].render(report, opts);
}
