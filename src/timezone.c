/* The centre's time zone for every time a clerk reads (timezone.h).
 *
 * The clients format times with localtime_r(), in the process's zone. The
 * server reports its TimeZone when a connection starts, and the database
 * is set to the centre's (sql/053_time_zone.sql), so following it costs no
 * query. Only a name the system's zone database holds is taken: glibc
 * reads an unknown name as UTC without a word, which is the mistake this
 * exists to avoid, and a path or a POSIX rule from the server has no
 * business steering the client. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "db.h"
#include "timezone.h"

bool cd_time_zone_known(const char *name)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	struct stat st;
	size_t n;

	if (!name || !*name || name[0] == '/' || strstr(name, ".."))
		return false;
	n = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-");
	if (name[n] || n > 64)
		return false;
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return false;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool cd_time_zone_use(const char *name)
{
	const char *now = getenv("TZ");

	if (!cd_time_zone_known(name))
		return false;
	if (!now || strcmp(now, name)) {
		if (setenv("TZ", name, 1))
			return false;
		tzset();
	}
	return true;
}

bool cd_time_zone_follow(struct cd_db *db)
{
	return cd_time_zone_use(cd_db_parameter(db, "TimeZone"));
}
