-- The shared-data exchange platform's registers, as counterdesk sees them
-- (a stand-in database, counterdesk_shared). Applied with psql by the set-up
-- script as the superuser; safe to apply again.
--
-- The main database reads these through postgres_fdw with a read-only user
-- mapping; staff never connect here. Real extracts are loaded with COPY
-- (counterdesk shared import), so the tables carry no foreign keys between
-- registers: an extract of one register need not match another's.
--
-- Codes used in status columns (English codes; screens translate them):
--   population.status      alive | deceased
--   civil_affairs.status   active | ended
--   elicence.status        valid | revoked | expired
--   enterprise.status      active (存续) | deregistered (注销) | revoked (吊销)

CREATE SCHEMA IF NOT EXISTS registry;
REVOKE ALL ON SCHEMA registry FROM PUBLIC;

-- 人口库: one row per identity number (GB 11643, 18 characters, upper-case X).
CREATE TABLE IF NOT EXISTS registry.population (
	id_no      text PRIMARY KEY CHECK (id_no ~ '^[0-9]{17}[0-9X]$'),
	name       text NOT NULL,
	sex        char(1) NOT NULL CHECK (sex IN ('M', 'F')),
	birth_date date NOT NULL,
	address    text,
	status     text NOT NULL DEFAULT 'alive' CHECK (status IN ('alive', 'deceased'))
);
COMMENT ON TABLE registry.population IS '人口库 (population registry): identity number, name, sex, birth date, household address';

-- 民政: social-assistance status (低保, 特困, ...).
CREATE TABLE IF NOT EXISTS registry.civil_affairs (
	id_no   text NOT NULL,
	benefit text NOT NULL,
	status  text NOT NULL CHECK (status IN ('active', 'ended')),
	since   date NOT NULL,
	PRIMARY KEY (id_no, benefit, since)
);
COMMENT ON TABLE registry.civil_affairs IS '民政 (civil affairs): benefits such as 低保, 特困, 高龄津贴 per person';

-- 电子证照: e-licences. A marriage certificate is held by both spouses under
-- one number, so a licence is identified by type, number and holder.
CREATE TABLE IF NOT EXISTS registry.elicence (
	holder_id    text NOT NULL,
	licence_type text NOT NULL,
	licence_no   text NOT NULL,
	issued_on    date NOT NULL,
	valid_until  date,
	status       text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked', 'expired')),
	PRIMARY KEY (licence_type, licence_no, holder_id),
	CHECK (valid_until IS NULL OR valid_until >= issued_on)
);
COMMENT ON TABLE registry.elicence IS '电子证照 (e-licences): 结婚证, 营业执照, 残疾人证, ...; valid_until NULL = no expiry';
CREATE INDEX IF NOT EXISTS elicence_holder_idx ON registry.elicence (holder_id);

-- 企业库: enterprises by unified social credit code (GB 32100).
CREATE TABLE IF NOT EXISTS registry.enterprise (
	uscc          text PRIMARY KEY CHECK (uscc ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'),
	name          text NOT NULL,
	legal_rep_id  text,
	status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deregistered', 'revoked')),
	registered_on date,
	address       text
);
COMMENT ON TABLE registry.enterprise IS '企业库 (enterprise registry): credit code, name, legal representative, status';
CREATE INDEX IF NOT EXISTS enterprise_legal_rep_idx ON registry.enterprise (legal_rep_id);
CREATE INDEX IF NOT EXISTS civil_affairs_id_idx ON registry.civil_affairs (id_no);

-- A read-only group for the postgres_fdw user mapping: the login that the
-- main database uses here is made a member of it.
DO $r$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'cd_registry_reader') THEN
		CREATE ROLE cd_registry_reader NOLOGIN;
	END IF;
END
$r$;
GRANT USAGE ON SCHEMA registry TO cd_registry_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA registry TO cd_registry_reader;
