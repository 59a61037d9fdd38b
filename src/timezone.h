/* Showing times in the centre's time zone, whatever the terminal's. */
#ifndef CD_TIMEZONE_H
#define CD_TIMEZONE_H

#include <stdbool.h>

struct cd_db;

/* True when name is a time zone of the system's zone database (TZDIR, or
 * /usr/share/zoneinfo) given as a plain relative name such as
 * "Asia/Shanghai": no absolute path, no "..", no POSIX rule. */
bool cd_time_zone_known(const char *name);

/* Makes the process show times in zone name; false, changing nothing, when
 * the name is not a known zone. Before a connection: the configuration's
 * [centre] time_zone. */
bool cd_time_zone_use(const char *name);

/* Makes the process show times in the time zone the server reported when
 * db connected (sql/053_time_zone.sql). Returns false, changing nothing,
 * when the server reported none or one this system does not know. */
bool cd_time_zone_follow(struct cd_db *db);

#endif
