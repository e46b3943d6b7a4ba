/** Stored team settings: what the settings use cases need (server/store/sql/settings-store.ts implements it). */

export interface SettingsStore {
  /** Every stored value by key; a key never written is absent (the domain supplies its default). */
  read(): Promise<Record<string, unknown>>;
  /** Replaces the given keys' values, leaving the others; `at` is ms since the epoch. */
  write(values: Record<string, unknown>, byUserId: string, at: number): Promise<void>;
}
