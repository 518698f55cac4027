import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf } from '../../model/inventory.js';
import { hasFirewall } from './context.js';

/**
 * nf_conntrack_ftp opens data ports by reading PORT/PASV replies on the control channel.
 * Under TLS it reads ciphertext, so rules that count on it (`-j CT --helper ftp`,
 * `-m helper --helper ftp`, nft `ct helper`) cannot work for FTPS.
 */
export const conntrackFtpHelper: Check = {
  name: 'firewall.conntrack-ftp-helper',
  target: 'firewall',
  description: 'Rules that rely on the nf_conntrack_ftp helper, which cannot see inside FTPS.',
  messageIds: ['pass', 'fail'],
  appliesTo: hasFirewall,
  run: ({ inventory }) => {
    const out: CheckOutcome[] = [];
    for (const rs of modelsOf(inventory, 'firewall')) {
      let found = false;
      for (const t of rs.tables) {
        for (const c of t.chains) {
          for (const r of c.rules) {
            const effect = r.effects.find((e) => /^ct-helper:.*ftp/i.test(e));
            const match = r.conditions.find((x) => x.kind === 'helper' && /ftp/i.test(x.name));
            if (!effect && !match) continue;
            found = true;
            out.push({
              status: 'fail',
              messageId: 'fail',
              key: `${rs.file}/${r.text}`,
              location: { ...r.location },
              evidence: r.text,
              data: { file: rs.file, how: effect ? 'assigns the FTP conntrack helper' : 'accepts traffic the FTP conntrack helper marked as related' },
            });
          }
        }
      }
      if (!found) out.push({ status: 'pass', messageId: 'pass', key: rs.file, location: { file: rs.file }, data: { file: rs.file } });
    }
    return out;
  },
};
