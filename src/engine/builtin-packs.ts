/** The packs that ship with the tool (rules/packs/<id>/), default for every run. */
export const BUILTIN_PACKS = ['hipaa', 'pci-dss', 'nist-800-52r2'] as const;
