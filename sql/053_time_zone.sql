-- 053_time_zone: the database speaks the centre's time zone.
--
-- The clients turn the times they get (seconds since the epoch) into
-- what a clerk reads with the C library, in the process's time zone. A
-- supervisor who watches the queues over SSH on a server kept in UTC, or a
-- terminal set up elsewhere, would read every time eight hours off. The
-- server reports its TimeZone to every client when it connects (a libpq
-- parameter status, no query), so the database's default TimeZone is set
-- to the centre's zone (the setting time_zone, default Asia/Shanghai,
-- which the working-time clocks use) and the clients follow it
-- (src/timezone.c). The server's own date logic names the zone explicitly
-- (AT TIME ZONE) and does not depend on this.
--
-- A centre that later changes the setting time_zone sets the database's
-- TimeZone to the same zone (README.md, "Time zone").

DO $$
BEGIN
	EXECUTE format('ALTER DATABASE %I SET TimeZone TO %L', current_database(),
		       core.setting_text('time_zone', 'Asia/Shanghai'));
END
$$;
