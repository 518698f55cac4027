/**
 * A problem with a file the user gave a gate (baseline, waivers): a message to print as is,
 * which the command turns into exit code 2 without a stack trace.
 */
export class GateInputError extends Error {
  constructor(
    message: string,
    /** One line per problem, each naming the file (and line, where known) and the field. */
    readonly details: string[] = [],
  ) {
    super(details.length ? `${message}\n${details.map((d) => `  ${d}`).join('\n')}` : message);
    this.name = 'GateInputError';
  }
}
