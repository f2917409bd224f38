import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';
import { BusinessRuleViolation, NotFoundError } from '../errors.ts';
import type { Decider } from './decider.ts';
import { deciderSpec } from './decider-spec.ts';

type TicketCommand =
  | { type: 'open'; data: { ticketId: string }; metadata: { now: Date } }
  | { type: 'close'; data: { reason: string }; metadata: { now: Date } };
type TicketEvent =
  | { type: 'ticket.opened'; data: { ticketId: string; at: string } }
  | { type: 'ticket.closed'; data: { reason: string; at: string } };
type Ticket = { status: 'none' } | { status: 'open'; ticketId: string } | { status: 'closed'; ticketId: string };

const ticket: Decider<TicketCommand, Ticket, TicketEvent> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    const at = command.metadata.now.toISOString();
    if (command.type === 'open') {
      if (state.status !== 'none') return [];
      return [{ type: 'ticket.opened', data: { ticketId: command.data.ticketId, at } }];
    }
    if (state.status === 'none') throw new NotFoundError('No such ticket');
    if (state.status === 'closed')
      throw new BusinessRuleViolation('ticket.close.requires_open', 'Ticket is closed', { currentStatus: 'closed' });
    return [{ type: 'ticket.closed', data: { reason: command.data.reason, at } }];
  },
  evolve(state, event) {
    if (event.type === 'ticket.opened') return { status: 'open', ticketId: event.data.ticketId };
    if (state.status === 'none') throw new Error('closed before opened');
    return { status: 'closed', ticketId: state.ticketId };
  },
};

const now = new Date('2025-01-02T03:04:05.000Z');
const at = now.toISOString();
const opened: TicketEvent = { type: 'ticket.opened', data: { ticketId: 't-1', at } };
const closed: TicketEvent = { type: 'ticket.closed', data: { reason: 'done', at } };
const open: TicketCommand = { type: 'open', data: { ticketId: 't-1' }, metadata: { now } };
const close: TicketCommand = { type: 'close', data: { reason: 'done' }, metadata: { now } };
const { givenEvents } = deciderSpec(ticket);

describe('deciderSpec', () => {
  it('passes when decide returns exactly the expected events', () => {
    givenEvents().when(open).then([opened]);
    givenEvents(opened).when(close).then([closed]);
  });

  it('passes for a repeated idempotent command that yields nothing', () => {
    givenEvents(opened).when(open).thenNothingHappened();
  });

  it('matches a thrown kernel error by class, message, code and details', () => {
    givenEvents(opened, closed)
      .when(close)
      .then(new BusinessRuleViolation('ticket.close.requires_open', 'Ticket is closed', { currentStatus: 'closed' }));
    givenEvents().when(close).thenThrows(NotFoundError);
  });

  it('fails on other events, extra events or no events', () => {
    expect(() => givenEvents().when(open).then([closed])).toThrow(AssertionError);
    expect(() => givenEvents().when(open).then([opened, opened])).toThrow(AssertionError);
    expect(() => givenEvents().when(open).thenNothingHappened()).toThrow(AssertionError);
  });

  it('fails when the error differs in class, message or details, or nothing is thrown', () => {
    const expect422 = (details: Record<string, unknown>) =>
      new BusinessRuleViolation('ticket.close.requires_open', 'Ticket is closed', details);
    expect(() =>
      givenEvents(opened, closed)
        .when(close)
        .then(expect422({ currentStatus: 'open' })),
    ).toThrow(AssertionError);
    expect(() => givenEvents(opened, closed).when(close).thenThrows(NotFoundError)).toThrow(AssertionError);
    expect(() => givenEvents().when(close).thenThrows(new NotFoundError('Other message'))).toThrow(AssertionError);
    expect(() => givenEvents().when(open).thenThrows(NotFoundError)).toThrow(/did not throw/);
  });

  it('reports an unexpected error as a failed expectation of events', () => {
    expect(() => givenEvents().when(close).then([closed])).toThrow(/decide threw NotFoundError: No such ticket/);
  });

  it('checks that evolve accepts the events decide returned', () => {
    const broken = {
      ...ticket,
      evolve: () => {
        throw new Error('evolve rejects it');
      },
    };
    expect(() => deciderSpec(broken).givenEvents().when(open).then([opened])).toThrow('evolve rejects it');
  });
});
