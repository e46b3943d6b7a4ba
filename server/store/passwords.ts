/** The domain's `PasswordHasher` with argon2id (prebuilt binaries, no install script). */
import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../domain/ports/passwords';

// OWASP's argon2id minimum (19 MiB, 2 passes): about 25 ms per hash here.
const ARGON2_OPTIONS = { algorithm: 2 /* Algorithm.Argon2id: a const enum, not importable under isolatedModules */, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const argon2Passwords: PasswordHasher = {
  hash: (password) => hash(password, ARGON2_OPTIONS),
  async verify(passwordHash, password) {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  },
};

export const hashPassword = argon2Passwords.hash;
