/**
 * `<schema>.append_conflict(stream_id, expected, events)`: called by the append statement
 * (append-sql.ts) only when rows are missing; it always raises, failing the whole statement.
 * Being VOLATILE, its query takes a fresh snapshot under READ COMMITTED and so sees the writer
 * that won; the rows this statement got in past the winner's version do not count. Rows that
 * clash yet stay invisible belong to another tenant's stream (RLS).
 * SQLSTATE ES409 = version conflict (DETAIL: the actual version), ES404 = another tenant's stream.
 */
export function appendConflictFunctionDdl(s: string): string {
  return `
CREATE FUNCTION ${s}.append_conflict(p_stream_id text, p_expected integer, p_events jsonb)
RETURNS text[] LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_actual integer;
BEGIN
  SELECT COALESCE(max(version), 0) INTO v_actual FROM ${s}.events
  WHERE stream_id = p_stream_id
    AND event_id <> ALL (ARRAY(SELECT (d->>'id')::uuid FROM jsonb_array_elements(p_events) AS d));
  RAISE EXCEPTION 'stream % is at version %, expected %', p_stream_id, v_actual, p_expected
    USING ERRCODE = CASE WHEN v_actual = p_expected THEN 'ES404' ELSE 'ES409' END, DETAIL = v_actual::text;
END $fn$;
`;
}
