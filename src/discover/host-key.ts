/**
 * The host a file found on disk belongs to. A module of its own, below the pipeline, because
 * the read-ahead thread (read-ahead-worker.ts) works it out for each file as it reads it.
 */

/**
 * A scan of a repository often covers several hosts (`inventories/ftp1/etc/…`,
 * `inventories/ftp2/etc/…`, or samples/insecure and samples/hardened). Rules that look
 * across artifacts — the passive range against the firewall, rsa_cert_file against the
 * certificate — must only pair files of the same host. The host of a file is the path
 * before its first `etc` directory, counted from the scan root it was found under (a system
 * image or a checkout of one host's /etc); files outside any `etc` belong to the scan as a
 * whole.
 */
export function hostOf(file: string): string {
  const parts = file.split('/');
  const i = parts.indexOf('etc');
  return i > 0 ? parts.slice(0, i).join('/') : '';
}

/** The host of a file found on disk, from its path under the scan root that holds it. */
export function hostKeyOf(absPath: string, roots: readonly string[]): string {
  return hostOf(underRoot(absPath, roots));
}

/** Path of an artifact relative to the scan root that contains it (POSIX separators). */
function underRoot(absPath: string, roots: readonly string[]): string {
  // The longest root that holds the path (asked once per file: a plain loop).
  let root: string | undefined;
  for (const r of roots) {
    if ((absPath === r || absPath.startsWith(r.endsWith('/') ? r : `${r}/`)) && (root === undefined || r.length > root.length)) root = r;
  }
  return root === undefined ? absPath : absPath.slice(root.length).replace(/^\/+/, '');
}
