import type { Artifact, ArtifactKind } from '../model/artifact.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { InventoryModels, ScanSettings } from '../model/inventory.js';

export interface ParserInput {
  artifact: Artifact;
  /** The file's bytes (already size-capped by discovery). */
  content: Buffer;
  /**
   * Optional: the whole content as text, given only when every byte is ASCII (then Latin-1
   * and UTF-8 read it alike). Discovery decoded it to classify the file; a parser that
   * decodes the content anyway may take it rather than decode it again.
   */
  asciiText?: string;
  settings: ScanSettings;
}

/** What one file contributes to the inventory: models appended per kind, and diagnostics. */
export interface ParserOutput {
  models: Partial<InventoryModels>;
  diagnostics: Diagnostic[];
}

/**
 * A parser never throws on bad input: syntax problems become located diagnostics (or
 * located facts in the model that rules judge), and the scan goes on.
 */
export interface ArtifactParser {
  kind: ArtifactKind;
  parse(input: ParserInput): ParserOutput;
}
