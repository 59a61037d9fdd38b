/* One session, one notification slot (cd_session_on_notify keeps a single
 * callback), several listeners: the hall's screens and the task queue.
 * Each registers here instead of on the session; this hub is the session's
 * callback and hands each NOTIFY to the listeners of its channel. */
#ifndef CD_NOTIFY_H
#define CD_NOTIFY_H

struct cd_session;

typedef void (*notify_fn)(const char *channel, const char *payload, void *arg);

/* Hands every NOTIFY of channel on s to fn (once, however often it is
 * called for the same channel and fn). The LISTEN itself stays with the
 * caller (cd_hall_listen, cd_task_listen). */
void notify_subscribe(struct cd_session *s, const char *channel, notify_fn fn, void *arg);

#endif
