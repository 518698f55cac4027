// Types for the parts of the (plain JavaScript) benchmark that tests reuse.
/**
 * Writes n vsftpd.conf files (samples mixed with seeded variations) under dir; returns their
 * bytes. perHostValues: each file also sets its own banner, address, paths, ports and limits.
 */
export function generateTree(dir: string, n: number, opts?: { perHostValues?: boolean }): number;
