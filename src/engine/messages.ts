/** Fills {{name}} placeholders; an unknown name is left visible rather than silently blank. */
export function formatMessage(template: string, data: Record<string, string | number | boolean> | undefined): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) => (data && name in data ? String(data[name]) : whole));
}
