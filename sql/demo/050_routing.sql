-- Demo reviewers for routing (派单、流转): one for every department that has
-- steps in forms/*.ini, and a second one in 民政 (MZ) so that two reviewers
-- of one department can be tried side by side. Run with psql as the cluster
-- superuser after the migrations; safe to run again (what exists is left
-- alone, except that demo passwords are set back to <login>-demo), exactly
-- as sql/demo/001_departments_staff.sql does.

SET password_encryption = 'scram-sha-256';

DO $demo$
DECLARE
	s record;
BEGIN
	FOR s IN
		SELECT * FROM (VALUES
			('reviewer.mz2',  '黄丽', 'reviewer', 'MZ'),
			('reviewer.ga',   '吴刚', 'reviewer', 'GA'),
			('reviewer.gjj',  '徐敏', 'reviewer', 'GJJ'),
			('reviewer.cl',   '孙杰', 'reviewer', 'CL'),
			('reviewer.wj',   '马超', 'reviewer', 'WJ'),
			('reviewer.scjg', '朱琳', 'reviewer', 'SCJG'),
			('reviewer.sw',   '胡斌', 'reviewer', 'SW'),
			('reviewer.xf',   '郭涛', 'reviewer', 'XF'),
			('reviewer.cg',   '何平', 'reviewer', 'CG')
		) AS v(login, full_name, role, dept_code)
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

		INSERT INTO core.staff (login, full_name, role, dept_code)
		VALUES (s.login, s.full_name, s.role, s.dept_code)
		ON CONFLICT (login) DO NOTHING;
		IF FOUND THEN
			EXECUTE format('ALTER ROLE %I LOGIN', s.login);
			PERFORM core.audit_write('staff_add', 'staff:' || s.login,
				jsonb_build_object('full_name', s.full_name, 'role', s.role,
						   'dept_code', s.dept_code, 'window_no', NULL));
		END IF;
	END LOOP;
END
$demo$;
