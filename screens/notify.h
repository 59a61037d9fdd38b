/* One session, one notification slot (cd_session_on_notify keeps a single
 * callback), several listeners: the hall's screens and the task queue.
 * Each registers here instead of on the session; this hub is the session's
 * callback and hands each NOTIFY to the listeners of its channel. */
#ifndef CD_NOTIFY_H
#define CD_NOTIFY_H

#include <stdbool.h>

struct cd_session;
struct cd_db;
struct cd_error;
struct tui;

typedef void (*notify_fn)(const char *channel, const char *payload, void *arg);

/* Hands every NOTIFY of channel on s to fn (once, however often it is
 * called for the same channel and fn). The LISTEN itself stays with the
 * caller (cd_hall_listen, cd_task_listen). */
void notify_subscribe(struct cd_session *s, const char *channel, notify_fn fn, void *arg);

/* Where one kind of notification stands on the logged-in connection. */
struct notify_listen {
	const struct cd_session *session; /* the connection that LISTENs */
	unsigned reconnects;              /* tui_reconnects() when it did */
	unsigned gen;                     /* one more at every LISTEN that worked */
	bool listening;
	double next_try;                  /* after a failed LISTEN */
};
typedef int (*notify_listen_fn)(struct cd_db *db, struct cd_error *err);

/* LISTENs through listen (cd_hall_listen, cd_task_listen, cd_sync_listen)
 * once per connection, and again after a reconnect (the server forgets a
 * LISTEN with the connection), subscribing fn to each channel of channels
 * (NULL-terminated). A failed LISTEN is tried again after a few seconds and
 * told to the user once, as "fail_what: the reason". A change of l->gen
 * tells the caller that what happened before was not heard. True while
 * listening. */
bool notify_ensure(struct tui *t, struct notify_listen *l, const char *const *channels,
		   notify_fn fn, notify_listen_fn listen, const char *fail_what);

#endif
