/* What the dashboard's screens share (dashboard.c, dash_list.c): the lists
 * behind its figures. Only these files include it. */
#ifndef CD_DASH_UI_H
#define CD_DASH_UI_H

#include "screen.h"

enum dash_list_kind {
	DL_WAITING, /* tickets waiting (of one category, or all) */
	DL_TODAY,   /* today's tickets (of one window, or all) */
	DL_GREEN,   /* home visits of the green channel still open */
};

struct dash_list_arg {
	enum dash_list_kind kind;
	char category[4]; /* "" = all */
	int window;       /* 0 = all */
};

extern const struct screen_ops dash_list_screen; /* arg: const struct dash_list_arg * */

#endif
