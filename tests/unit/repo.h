/* Finding the repository from a unit test (for forms/, config/ ...):
 * $COUNTERDESK_TOP (set by scripts/check.sh), else the current directory,
 * else up to four levels above the test binary. */
#ifndef CD_TEST_REPO_H
#define CD_TEST_REPO_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char top[PATH_MAX];

static int is_top(const char *dir)
{
	char probe[PATH_MAX + 64];

	snprintf(probe, sizeof(probe), "%s/forms/newborn.ini", dir);
	return access(probe, R_OK) == 0;
}

static void find_top(const char *argv0)
{
	const char *env = getenv("COUNTERDESK_TOP");
	char dir[PATH_MAX];
	char *slash;

	if (env && *env && is_top(env)) {
		snprintf(top, sizeof(top), "%s", env);
		return;
	}
	if (is_top(".")) {
		snprintf(top, sizeof(top), ".");
		return;
	}
	if (!realpath(strchr(argv0, '/') ? argv0 : "/proc/self/exe", dir))
		dir[0] = '\0';
	for (int up = 0; up < 4 && (slash = strrchr(dir, '/')); up++) {
		*slash = '\0';
		if (*dir && is_top(dir)) {
			snprintf(top, sizeof(top), "%s", dir);
			return;
		}
	}
	fprintf(stderr, "%s: cannot find the repository: set COUNTERDESK_TOP\n", argv0);
	exit(1);
}

#endif
