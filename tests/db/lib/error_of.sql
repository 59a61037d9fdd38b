-- pg_temp.error_of(sql): what running sql raised, as 'SQLSTATE message',
-- or 'no error'. Included (\ir) by the pgTAP files of tests/db/.
CREATE FUNCTION pg_temp.error_of(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE p_sql;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ' ' || SQLERRM;
END
$$;
