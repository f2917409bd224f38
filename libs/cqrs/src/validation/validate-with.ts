import type { Specification } from '@bizosaas/ddd-kernel';
import type { BusinessValidator } from '../command/command-definition.ts';

/**
 * A business validator from a specification over state the command needs:
 * `validateWith(clientIsActive, (cmd) => clients.find(cmd.data.clientId))`.
 */
export function validateWith<C, T>(spec: Specification<T>, read: (command: C) => T | Promise<T>): BusinessValidator<C> {
  return async (command) => spec.explain(await read(command));
}
