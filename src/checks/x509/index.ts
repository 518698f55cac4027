import type { Check } from '../../engine/types.js';
import { expired, expiringSoon, notYetValid, validityTooLong } from './validity.js';
import { ecCurveWeak, rsaExponentWeak, rsaKeyTooSmall } from './key-strength.js';
import { weakSignature } from './weak-signature.js';
import { hostnameMismatch, sanMissing } from './names.js';
import { keyUsageForbidsServer, leafIsCa, serverAuthEkuMissing } from './usage.js';
import { chainOutOfOrder, incompleteChain, untrusted } from './trust.js';
import { keyFilePermissions, keyInGit, keyMismatch } from './private-keys.js';
import { vsftpdTlsMaterial } from './vsftpd-tls-material.js';
import { keyTypeVsCiphers } from './key-type-vs-ciphers.js';

/** Checks for the x509 target; the engine finds them by name. */
export const checks: Check[] = [
  expired,
  notYetValid,
  expiringSoon,
  validityTooLong,
  rsaKeyTooSmall,
  ecCurveWeak,
  rsaExponentWeak,
  weakSignature,
  sanMissing,
  hostnameMismatch,
  leafIsCa,
  keyUsageForbidsServer,
  serverAuthEkuMissing,
  untrusted,
  incompleteChain,
  chainOutOfOrder,
  keyMismatch,
  keyFilePermissions,
  keyInGit,
  vsftpdTlsMaterial,
  keyTypeVsCiphers,
];

export { certificateInventory } from './inventory.js';
