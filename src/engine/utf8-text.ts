/**
 * Text carried as its UTF-8 bytes, one byte per character of a JavaScript string (a "byte
 * string": every character below 256, to be written with Buffer's latin1 encoding).
 *
 * Why: V8 keeps a string of characters below 256 at one byte each, and writes it out with a
 * plain copy; a single character above (an em dash in a rule's message) makes the whole
 * string two bytes per character, and Buffer then has to measure it and encode it character
 * by character. The streamed text report renders about 55 MB for 10,000 files, nearly every
 * file's group holding such a character: as byte strings, its groups stay one byte wide from
 * the message to the output, and are written by copying.
 *
 * ASCII text is already its own byte string (the usual case: config lines, option names,
 * paths), so only text with other characters is converted.
 */

/**
 * `text` as a byte string: itself when it is ASCII, else its UTF-8 bytes one per character.
 * For text met once per result; an ASCII text cut from a wider one (a template split at its
 * placeholders) may still be stored two bytes wide, which toUtf8Bytes() avoids.
 */
export function utf8Bytes(text: string): string {
  // ASCII exactly when the UTF-8 encoding is as long as the text: every other character takes
  // two bytes or more. Measured at about 16 ns for a typical value against 27 ns for a regex.
  return Buffer.byteLength(text, 'utf8') === text.length ? text : toUtf8Bytes(text);
}

/** `text` as a byte string, always made afresh (so stored one byte wide): for text converted once. */
export function toUtf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}
