import { describe, expect, it } from 'vitest';
import { sqlStatements } from './sql-statements.ts';

describe('sqlStatements', () => {
  it('splits on semicolons outside strings, identifiers, comments and dollar quotes', () => {
    const script = [
      '-- leading comment; not a statement',
      `INSERT INTO t VALUES ('a;b', 'it''s; fine');`,
      'CREATE TABLE "odd;name" (id int); /* block; comment */',
      'DO $fn$ BEGIN PERFORM 1; PERFORM 2; END $fn$;',
      '',
    ].join('\n');
    expect(sqlStatements(script)).toEqual([
      `INSERT INTO t VALUES ('a;b', 'it''s; fine')`,
      'CREATE TABLE "odd;name" (id int)',
      '/* block; comment */\nDO $fn$ BEGIN PERFORM 1; PERFORM 2; END $fn$',
    ]);
  });

  it('finds no statements in comments and blank lines', () => {
    expect(sqlStatements('-- This is an empty migration.\n\n')).toEqual([]);
  });
});
