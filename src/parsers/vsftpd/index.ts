/**
 * vsftpd.conf parser, faithful to vsftpd 3.0.3 (upstream, Debian and Red Hat builds).
 *
 * Usable on its own (`parseVsftpdConf`) or through the engine (`parser`, kind 'vsftpd-conf').
 * It never throws on bad input: every problem the daemon would refuse or misread is a located
 * VsftpdSyntaxIssue in the model.
 */
import type { VsftpdConfig, VsftpdFlavor } from '../../model/vsftpd.js';
import type { ArtifactParser } from '../types.js';
import { buildConfig, type VsftpdFileRole } from './config.js';

export { firstStartupFailure, vsftpdOptionNumber, type VsftpdFileRole } from './config.js';
export { optionSpec, optionTable, type VsftpdOptionSpec } from './options.js';
export { VSFTP_CONF_FILE_MAX } from './grammar.js';

/**
 * Parse one vsftpd.conf as the given build of vsftpd 3.0.3 would.
 * @param text  the file's content; a string is taken as UTF-8 (the daemon works on bytes).
 * @param file  the path to put in locations (relative to the scan root).
 * @param role  'per-user' for a user_config_dir file: nothing in it stops the daemon (errs_fatal=0).
 */
export function parseVsftpdConf(text: string | Buffer, file: string, flavor: VsftpdFlavor, role: VsftpdFileRole = 'main'): VsftpdConfig {
  const content = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return buildConfig(content, file, flavor, role).config;
}

export const parser: ArtifactParser = {
  kind: 'vsftpd-conf',
  parse({ artifact, content, asciiText, settings }) {
    const { config, diagnostics } = buildConfig(content, artifact.path, settings.flavor, 'main', asciiText);
    return { models: { vsftpd: [config] }, diagnostics };
  },
};
