-- pg_temp.error_of(sql): what running sql raised, as
-- 'SQLSTATE message | DETAIL', or 'no error'; for the files whose refusals
-- are told apart by their detail. Included (\ir) by pgTAP files of tests/db/.
CREATE FUNCTION pg_temp.error_of(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	d text;
BEGIN
	EXECUTE p_sql;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ' ' || SQLERRM || ' | ' || coalesce(d, '');
END
$$;
