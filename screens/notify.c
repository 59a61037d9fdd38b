/* The notification hub (notify.h). A fixed table: the listeners are a few
 * screens' watchers, known at build time, never one per row. */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "notify.h"
#include "screen.h"
#include "session.h"

#define RETRY_SECONDS 5.0

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

bool notify_ensure(struct tui *t, struct notify_listen *l, const char *const *channels,
		   notify_fn fn, notify_listen_fn listen, const char *fail_what)
{
	struct cd_session *s = tui_session(t);
	unsigned reconnects = tui_reconnects(t);
	bool same = l->session == s && l->reconnects == reconnects;
	struct cd_error err;
	char text[768];

	if (!s || tui_conn(t) != CONN_OK)
		return false;
	if (same && (l->listening || tui_now() < l->next_try))
		return l->listening;
	for (size_t i = 0; channels[i]; i++)
		notify_subscribe(s, channels[i], fn, NULL);
	cd_error_clear(&err);
	l->session = s;
	l->reconnects = reconnects;
	if (listen(s->db, &err) < 0) {
		bool first = l->listening || l->next_try == 0;

		l->listening = false;
		l->next_try = tui_now() + RETRY_SECONDS;
		if (first)
			tui_message(t, MSG_ERROR, _("%s: %s"), fail_what, cd_error_text(&err, text, sizeof(text)));
		return false;
	}
	l->listening = true;
	l->next_try = 0;
	l->gen++;
	return true;
}
