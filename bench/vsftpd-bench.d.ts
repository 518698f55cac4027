// Types for the parts of the (plain JavaScript) benchmark that tests reuse.
/** Writes n vsftpd.conf files (samples mixed with seeded variations) under dir; returns their bytes. */
export function generateTree(dir: string, n: number): number;
