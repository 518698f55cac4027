/** A mistake in how the tool was called (bad target, missing env var): one line, exit 2. */
export class UsageError extends Error {}

/** Errors a user can act on (bad pack, bad waiver file, bad flag) print as one message and exit 2. */
export function userFacingMessage(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  if (err instanceof UsageError) return err.message;
  const known = ['DataFileError', 'AggregateDataError', 'GateInputError', 'UnknownFormatError'];
  if (known.includes(err.constructor.name)) return err.message;
  return undefined;
}
