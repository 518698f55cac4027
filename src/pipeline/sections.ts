import type { Inventory } from '../model/inventory.js';

/**
 * Extra report sections computed from the inventory (e.g. the certificate inventory PCI
 * 4.2.1.1 asks for). Each provider is loaded lazily and only contributes when it has data.
 */
const providers: Record<string, () => Promise<(inv: Inventory) => unknown[]>> = {
  certificates: async () => (await import('../checks/x509/inventory.js')).certificateInventory,
  firewallExposure: async () => (await import('../checks/firewall/exposure.js')).firewallExposure,
};

export async function inventorySections(inv: Inventory): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [name, load] of Object.entries(providers)) {
    const list = (await load())(inv);
    if (list.length > 0) out[name] = list;
  }
  return out;
}
