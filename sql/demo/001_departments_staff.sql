-- Demo departments and staff for the main database. Run with psql as the
-- cluster superuser after the migrations; safe to run again (what exists is
-- left alone, except that demo passwords are set back to <login>-demo).
--
-- Every demo password is <login>-demo (clerk1 / clerk1-demo, ...). The server
-- hashes it with SCRAM (password_encryption = scram-sha-256, set below for
-- this session in case the cluster says otherwise).
--
-- Rows go straight into core (a superuser session) with an audit row for
-- each one added, exactly as api.dept_add / api.staff_add would write them.

SET password_encryption = 'scram-sha-256';

DO $demo$
DECLARE
	d record;
	s record;
BEGIN
	FOR d IN
		SELECT * FROM (VALUES
			('MZ',   '民政'),
			('RS',   '人社'),
			('YB',   '医保'),
			('GA',   '公安'),
			('BDC',  '不动产登记'),
			('SCJG', '市场监管'),
			('WJ',   '卫健'),
			('SW',   '税务'),
			('GJJ',  '住房公积金'),
			('CL',   '残联'),
			('XF',   '消防救援'),
			('CG',   '城市管理'),
			('ZHCK', '综合窗口')
		) AS v(code, name)
	LOOP
		INSERT INTO core.department (code, name) VALUES (d.code, d.name)
		ON CONFLICT (code) DO NOTHING;
		IF FOUND THEN
			PERFORM core.audit_write('dept_add', 'department:' || d.code,
						 jsonb_build_object('name', d.name));
		END IF;
	END LOOP;

	FOR s IN
		SELECT * FROM (VALUES
			('clerk1',      '王芳', 'clerk',      'ZHCK', 1),
			('clerk2',      '李娜', 'clerk',      'ZHCK', 2),
			('green1',      '张伟', 'helper',     'ZHCK', 9),
			('reviewer.mz', '刘洋', 'reviewer',   'MZ',   NULL),
			('reviewer.rs', '陈静', 'reviewer',   'RS',   NULL),
			('reviewer.yb', '杨磊', 'reviewer',   'YB',   NULL),
			('super1',      '赵敏', 'supervisor', 'ZHCK', NULL),
			('admin1',      '周强', 'admin',      'ZHCK', NULL)
		) AS v(login, full_name, role, dept_code, window_no)
	LOOP
		-- Roles are cluster-wide: another database of this cluster may
		-- have made them already.
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
			-- A staff member (re)created here is active: give the role
			-- its login back if an earlier database had disabled it.
			EXECUTE format('ALTER ROLE %I LOGIN', s.login);
			PERFORM core.audit_write('staff_add', 'staff:' || s.login,
				jsonb_build_object('full_name', s.full_name, 'role', s.role,
						   'dept_code', s.dept_code, 'window_no', s.window_no));
		END IF;
	END LOOP;
END
$demo$;
