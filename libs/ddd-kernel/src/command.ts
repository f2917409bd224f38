/** Who issued a command: a person, a service, or the platform itself (scheduler, replay). */
export interface CommandActor {
  readonly type: 'user' | 'service' | 'system';
  readonly id: string;
}

/**
 * What every command carries besides its data. Deciders read the time from `now` and never
 * from a clock; new ids travel in `data` (or arrive through injected functions).
 */
export interface CommandMetadata {
  readonly now: Date;
  readonly tenantId?: string;
  readonly actor?: CommandActor;
  readonly correlationId?: string;
  readonly causationId?: string | null;
  /** The client's `Idempotency-Key`: a repeat returns the first result instead of running again. */
  readonly idempotencyKey?: string;
}

/** An imperative request to change one aggregate (`lead.qualify`), routed by `type`. */
export interface Command<
  Type extends string = string,
  Data = unknown,
  Metadata extends CommandMetadata = CommandMetadata,
> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: Metadata;
}
