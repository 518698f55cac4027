import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf } from '../../model/inventory.js';
import type { VsftpdConfig, VsftpdSyntaxCode } from '../../model/vsftpd.js';

/** The directive on a line: directives are in file order, one per line (binary search). */
function directiveOnLine(directives: VsftpdConfig['directives'], line: number | undefined): VsftpdConfig['directives'][number] | undefined {
  if (line === undefined) return undefined;
  let lo = 0;
  let hi = directives.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = directives[mid]!.location.line!;
    if (at === line) return directives[mid];
    if (at < line) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

interface SyntaxParams {
  codes: VsftpdSyntaxCode[];
}

/**
 * Reports the parser's located syntax facts (what the daemon would refuse or misread).
 * One outcome per problem; a clean file gets one pass so the evidence shows it was read.
 */
export const syntaxCheck: Check = {
  name: 'vsftpd.syntax',
  target: 'vsftpd',
  description: 'Reports lines vsftpd 3.0.3 refuses or misreads, as its own parser would (parseconf.c).',
  messageIds: ['pass', 'fail'],
  paramsSchema: {
    type: 'object',
    required: ['codes'],
    additionalProperties: false,
    properties: { codes: { type: 'array', minItems: 1, items: { type: 'string' } } },
  },
  appliesTo: (inv) => modelsOf(inv, 'vsftpd').length > 0,
  run: ({ inventory, params, brief }) => {
    const { codes } = params as unknown as SyntaxParams;
    const passKey = codes.join(',');
    const out: CheckOutcome[] = [];
    for (const config of modelsOf(inventory, 'vsftpd')) {
      // Most files have no issue at all: no filtered copy for them.
      const issues = config.issues.length === 0 ? config.issues : config.issues.filter((i) => codes.includes(i.code));
      if (issues.length === 0) {
        out.push(brief?.('pass') ?? { status: 'pass', messageId: 'pass', key: passKey, location: { file: config.file }, data: { file: config.file, flavor: config.flavor } });
        continue;
      }
      for (const issue of issues) {
        const line = issue.location.line;
        const directive = directiveOnLine(config.directives, line);
        out.push({
          status: 'fail',
          messageId: 'fail',
          // The option (or the line's text) identifies the problem across line shifts.
          key: `${issue.code}:${issue.option ?? directive?.text ?? line}`,
          location: issue.location,
          evidence: directive?.text ?? issue.message,
          data: {
            detail: issue.message,
            option: issue.option ?? '',
            consequence: issue.fatal ? `vsftpd (${config.flavor} build) refuses to start` : `vsftpd (${config.flavor} build) starts but misreads it`,
            flavor: config.flavor,
            file: config.file,
          },
        });
      }
    }
    return out;
  },
};
