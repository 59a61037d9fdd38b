-- 001_roles: the cluster-wide roles counterdesk relies on.
--
-- Roles belong to the whole cluster, not to one database, so every role is
-- created only when it is missing: the same cluster may hold a second
-- counterdesk database (tests, a training copy) that runs this file again.
--
--   cd_owner       NOLOGIN CREATEROLE; owns schemas core and api and every
--                  object in them. api functions run as this role (SECURITY
--                  DEFINER); CREATEROLE is what lets api.staff_add create
--                  login roles. Nobody logs in as it.
--   cd_staff       every staff group is a member; holds USAGE on schema api.
--   cd_clerk       window clerk (综合窗口).
--   cd_helper      green-channel helper: a clerk who also logs assisted
--                  sessions, so a member of cd_clerk.
--   cd_reviewer    back-office reviewer of one department.
--   cd_supervisor  值班长 / 中心主任.
--   cd_admin       staff accounts, departments, service items.
--   cd_kiosk       ticket kiosk and rating pad.
--
-- Each staff member is a LOGIN role (SCRAM) that is a member of exactly one
-- of the groups cd_clerk .. cd_kiosk; api.staff_add creates them.

DO $roles$
DECLARE
	r text;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'cd_owner') THEN
		CREATE ROLE cd_owner NOLOGIN CREATEROLE;
	END IF;
	-- An existing cd_owner (made by hand, or by an older release) is brought
	-- to the attributes this release relies on.
	ALTER ROLE cd_owner NOLOGIN CREATEROLE NOSUPERUSER NOCREATEDB NOREPLICATION NOBYPASSRLS;

	FOREACH r IN ARRAY ARRAY['cd_staff', 'cd_clerk', 'cd_helper', 'cd_reviewer',
				  'cd_supervisor', 'cd_admin', 'cd_kiosk'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I NOLOGIN', r);
		END IF;
	END LOOP;

	-- Group memberships, added only where missing (GRANT of an existing
	-- membership would only print a notice, but the check keeps the log
	-- of a second database's migration quiet).
	FOREACH r IN ARRAY ARRAY['cd_clerk', 'cd_helper', 'cd_reviewer',
				  'cd_supervisor', 'cd_admin', 'cd_kiosk'] LOOP
		IF NOT pg_catalog.pg_has_role(r, 'cd_staff', 'MEMBER') THEN
			EXECUTE format('GRANT cd_staff TO %I', r);
		END IF;
	END LOOP;
	IF NOT pg_catalog.pg_has_role('cd_helper', 'cd_clerk', 'MEMBER') THEN
		GRANT cd_clerk TO cd_helper;
	END IF;
END
$roles$;
