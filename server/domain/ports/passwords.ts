/** Password hashing, slow on purpose; server/store/passwords.ts implements it with argon2id. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password or a malformed hash; never throws for either. */
  verify(passwordHash: string, password: string): Promise<boolean>;
}
