/** Which request a key belongs to: keys are scoped by tenant and command type. */
export interface IdempotencyKey {
  readonly tenantId: string | null;
  readonly commandType: string;
  /** The client's `Idempotency-Key` header. */
  readonly key: string;
}

/** The first successful outcome for a key. */
export interface IdempotencyRecord {
  /** Hash of the request the key was first used with (see fingerprint). */
  readonly fingerprint: string;
  /** The command's result, a JSON value (stores keep it as JSON). */
  readonly result: unknown;
}

/** Where results of idempotent commands are kept (createPgIdempotencyStore). */
export interface IdempotencyStore {
  get(key: IdempotencyKey): Promise<IdempotencyRecord | undefined>;
  /**
   * Stores `record` unless the key already has one; returns the record the store now holds
   * (the first writer's), so racing duplicates all answer with the same result.
   */
  put(key: IdempotencyKey, record: IdempotencyRecord): Promise<IdempotencyRecord>;
}
