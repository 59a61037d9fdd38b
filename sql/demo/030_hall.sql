-- Demo data for the hall: the rating pad / ticket kiosk account kiosk1
-- (password kiosk1-demo). Run with psql as the cluster superuser after the
-- migrations; safe to run again (what exists is left alone, except that the
-- demo password is set back), exactly as sql/demo/001_departments_staff.sql
-- does for the staff. The hall itself (categories, windows, rules) comes from
-- config/hall.ini through `counterdesk hall load`, not from here.

SET password_encryption = 'scram-sha-256';

DO $demo$
DECLARE
	s record;
BEGIN
	FOR s IN
		SELECT * FROM (VALUES
			('kiosk1', '大厅评价器', 'kiosk', 'ZHCK', NULL::int)
		) AS v(login, full_name, role, dept_code, window_no)
	LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = s.login) THEN
			EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I',
				       s.login, s.login || '-demo', 'cd_' || s.role);
		ELSE
			EXECUTE format('ALTER ROLE %I PASSWORD %L', s.login, s.login || '-demo');
			IF NOT pg_catalog.pg_has_role(s.login, 'cd_' || s.role, 'MEMBER') THEN
				EXECUTE format('GRANT %I TO %I', 'cd_' || s.role, s.login);
			END IF;
		END IF;

		INSERT INTO core.staff (login, full_name, role, dept_code, window_no)
		VALUES (s.login, s.full_name, s.role, s.dept_code, s.window_no)
		ON CONFLICT (login) DO NOTHING;
		IF FOUND THEN
			EXECUTE format('ALTER ROLE %I LOGIN', s.login);
			PERFORM core.audit_write('staff_add', 'staff:' || s.login,
				jsonb_build_object('full_name', s.full_name, 'role', s.role,
						   'dept_code', s.dept_code, 'window_no', s.window_no));
		END IF;
	END LOOP;
END
$demo$;
