/* The notification hub (notify.h). A fixed table: the listeners are a few
 * screens' watchers, known at build time, never one per row. */
#include <stdio.h>
#include <string.h>

#include "notify.h"
#include "session.h"

#define LISTENERS 8

static struct {
	char channel[64];
	notify_fn fn;
	void *arg;
} listeners[LISTENERS];

static void dispatch(const char *channel, const char *payload, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < LISTENERS; i++)
		if (listeners[i].fn && !strcmp(listeners[i].channel, channel))
			listeners[i].fn(channel, payload, listeners[i].arg);
}

void notify_subscribe(struct cd_session *s, const char *channel, notify_fn fn, void *arg)
{
	size_t free_at = LISTENERS;

	/* Set again every time: a new session (log-in after a lock-out) starts
	 * with no callback. */
	cd_session_on_notify(s, dispatch, NULL);
	for (size_t i = 0; i < LISTENERS; i++) {
		if (listeners[i].fn == fn && !strcmp(listeners[i].channel, channel)) {
			listeners[i].arg = arg;
			return;
		}
		if (!listeners[i].fn && free_at == LISTENERS)
			free_at = i;
	}
	if (free_at == LISTENERS)
		return; /* more listeners than screens that listen: a bug, heard as silence */
	snprintf(listeners[free_at].channel, sizeof(listeners[free_at].channel), "%s", channel);
	listeners[free_at].fn = fn;
	listeners[free_at].arg = arg;
}
