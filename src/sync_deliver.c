/* Delivering a batch to one target, outside any transaction on the main
 * database. postgres: the target's statement once for the whole batch with
 * text arrays, and each event alone only when the target refuses the batch,
 * so that one bad event fails alone. spool: one JSON file per event, made
 * whole before it gets its name. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "sync.h"
#include "util.h"

/* One line of libpq's message, without "ERROR:  " and the trailing newline. */
static void one_line(char *dst, size_t len, const char *msg)
{
	const char *p = msg ? msg : "unknown error";
	size_t n;

	if (!strncmp(p, "ERROR:  ", 8))
		p += 8;
	snprintf(dst, len, "%s", p);
	n = strcspn(dst, "\n");
	dst[n] = '\0';
}

static void set_all(struct cd_event *ev, size_t n, int state, const char *error)
{
	for (size_t i = 0; i < n; i++) {
		if (ev[i].state != CD_EV_CLAIMED)
			continue;
		ev[i].state = state;
		snprintf(ev[i].error, sizeof(ev[i].error), "%s", error ? error : "");
	}
}

/* The value a parameter path names (docs/sync.md). root: the parsed payload. */
static char *param_value(const struct cd_event *ev, json_t *root, const char *path)
{
	json_t *v = root;
	char *copy, *save = NULL;

	if (!strcmp(path, "id"))
		return xstrdup(ev->id);
	if (!strcmp(path, "type"))
		return xstrdup(ev->type);
	if (!strcmp(path, "aggregatetype"))
		return xstrdup(ev->aggregatetype);
	if (!strcmp(path, "aggregateid"))
		return xstrdup(ev->aggregateid);
	if (!strcmp(path, "created_at"))
		return xstrdup(ev->created_at);
	if (!strcmp(path, "payload"))
		return xstrdup(ev->payload);
	if (strncmp(path, "payload.", 8))
		return NULL;
	for (size_t i = 0; ev->paths && i < ev->nvals; i++)
		if (!strcmp(ev->paths[i], path))
			return ev->vals[i] ? xstrdup(ev->vals[i]) : NULL;
	if (!root)
		return NULL;
	copy = xstrdup(path + 8);
	for (char *k = strtok_r(copy, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
		v = json_is_object(v) ? json_object_get(v, k) : NULL;
	free(copy);
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

char *cd_sync_param(const struct cd_event *ev, const char *path)
{
	json_t *root = json_loads(ev->payload ? ev->payload : "null", JSON_DECODE_ANY, NULL);
	char *v = param_value(ev, root, path);

	json_decref(root);
	return v;
}

static void append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

void cd_sync_array_add(char **buf, size_t *len, size_t *cap, const char *value, bool first)
{
	size_t need = 0;
	char *o;

	if (!first)
		append(buf, len, cap, ",", 1);
	if (!value) {
		append(buf, len, cap, "NULL", 4);
		return;
	}
	/* Room for the worst case first, then one pass. */
	need = strlen(value) * 2 + 3;
	if (*len + need > *cap) {
		*cap = (*len + need) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	o = *buf + *len;
	*o++ = '"';
	for (const char *p = value; *p; p++) {
		if (*p == '"' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o++ = '"';
	*o = '\0';
	*len = (size_t)(o - *buf);
}

long cd_sync_array_parse(const char *s, char ***out)
{
	char **v = NULL;
	long n = 0;

	*out = NULL;
	if (*s++ != '{')
		return -1;
	while (*s && *s != '}') {
		char *e;
		size_t len = 0;

		v = xrealloc(v, (size_t)(n + 1) * sizeof(*v));
		if (*s == '"') {
			e = xmalloc(strlen(s) + 1);
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && s[1])
					s++;
				e[len++] = *s;
			}
			if (*s != '"') {
				free(e);
				goto bad;
			}
			s++;
			e[len] = '\0';
		} else {
			len = strcspn(s, ",}");
			e = len == 4 && !strncmp(s, "NULL", 4) ? NULL : xasprintf("%.*s", (int)len, s);
			s += len;
		}
		v[n++] = e;
		if (*s == ',')
			s++;
		else if (*s != '}')
			goto bad;
	}
	if (*s != '}')
		goto bad;
	*out = v;
	return n;
bad:
	for (long i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return -1;
}

static int pg_connect(struct cd_target *t, char *error, size_t len)
{
	const char *keys[] = { "dbname", "connect_timeout", "application_name", "client_encoding", NULL };
	const char *vals[] = { t->dsn, "5", "counterdesk-sync", "UTF8", NULL };

	if (t->conn && PQstatus(t->conn) == CONNECTION_OK)
		return 0;
	if (t->conn)
		PQfinish(t->conn);
	t->conn = PQconnectdbParams(keys, vals, 1);
	if (t->conn && PQstatus(t->conn) == CONNECTION_OK)
		return 0;
	one_line(error, len, t->conn ? PQerrorMessage(t->conn) : "out of memory");
	PQfinish(t->conn);
	t->conn = NULL;
	return -1;
}

/* Runs the statement for events[0..n) (states CLAIMED); 0 done, 1 refused
 * (error filled), -1 the target went away (error filled). */
static int pg_run(struct cd_target *t, struct cd_event *ev, json_t **roots, size_t n,
		  char *error, size_t errlen)
{
	char **arrays = xcalloc(t->nparams, sizeof(*arrays));
	PGresult *res;
	int rc;

	for (size_t k = 0; k < t->nparams; k++) {
		size_t len = 0, cap = 64;
		arrays[k] = xmalloc(cap);
		append(&arrays[k], &len, &cap, "{", 1);
		for (size_t i = 0; i < n; i++) {
			char *v = param_value(&ev[i], roots[i], t->params[k]);
			cd_sync_array_add(&arrays[k], &len, &cap, v, i == 0);
			free(v);
		}
		append(&arrays[k], &len, &cap, "}", 1);
	}
	res = PQexecParams(t->conn, t->statement, (int)t->nparams, NULL,
			   (const char *const *)arrays, NULL, NULL, 0);
	if (res && (PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK)) {
		rc = 0;
	} else {
		one_line(error, errlen, PQerrorMessage(t->conn));
		rc = PQstatus(t->conn) == CONNECTION_OK ? 1 : -1;
	}
	PQclear(res);
	for (size_t k = 0; k < t->nparams; k++)
		free(arrays[k]);
	free(arrays);
	return rc;
}

static void deliver_pg(struct cd_target *t, struct cd_event *ev, size_t n)
{
	char error[512];
	json_t **roots;
	int rc;

	if (pg_connect(t, error, sizeof(error)) < 0) {
		set_all(ev, n, CD_EV_UNREACHABLE, error);
		return;
	}
	roots = xcalloc(n, sizeof(*roots));
	for (size_t i = 0; i < n; i++)
		if (!ev[i].paths) /* the server picked nothing out: parse here */
			roots[i] = json_loads(ev[i].payload, 0, NULL);
	rc = pg_run(t, ev, roots, n, error, sizeof(error));
	if (rc == 0) {
		set_all(ev, n, CD_EV_DONE, NULL);
	} else if (rc < 0) {
		set_all(ev, n, CD_EV_UNREACHABLE, error);
	} else if (n == 1) {
		set_all(ev, n, CD_EV_REFUSED, error);
	} else {
		/* The target refused the batch: find the event(s) at fault. */
		for (size_t i = 0; i < n; i++) {
			rc = pg_run(t, &ev[i], &roots[i], 1, error, sizeof(error));
			if (rc < 0) {
				set_all(&ev[i], n - i, CD_EV_UNREACHABLE, error);
				break;
			}
			ev[i].state = rc == 0 ? CD_EV_DONE : CD_EV_REFUSED;
			snprintf(ev[i].error, sizeof(ev[i].error), "%s", rc ? error : "");
		}
	}
	for (size_t i = 0; i < n; i++)
		json_decref(roots[i]);
	free(roots);
	if (t->conn && PQstatus(t->conn) != CONNECTION_OK) {
		PQfinish(t->conn);
		t->conn = NULL;
	}
}

/* The file's content: the event as one JSON object and a newline. */
static char *spool_text(const struct cd_event *ev)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", ev->id, "type", ev->type,
			      "aggregatetype", ev->aggregatetype, "aggregateid", ev->aggregateid,
			      "created_at", ev->created_at);
	char *head, *text;
	size_t hl;

	head = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	/* Splice the payload in as it came (already JSON), before the closing brace. */
	hl = strlen(head);
	head[hl - 1] = '\0';
	text = xasprintf("%s,\"payload\":%s}\n", head, ev->payload);
	free(head);
	return text;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes DIR/ID.json whole or not at all (temp file, fsync, rename).
 * Returns 0, or -1 with error filled. */
static int spool_one(const struct cd_target *t, const struct cd_event *ev, char *error, size_t len)
{
	char *tmp = xasprintf("%s/.%s.json.tmp", t->directory, ev->id);
	char *dst = xasprintf("%s/%s.json", t->directory, ev->id);
	char *text = spool_text(ev);
	const char *step = "open";
	int fd, rc = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd >= 0) {
		step = "write";
		if (write_all(fd, text, strlen(text)) == 0) {
			step = "fsync";
			if (fsync(fd) == 0) {
				step = "close";
				if (close(fd) == 0) {
					fd = -1;
					step = "rename";
					if (rename(tmp, dst) == 0)
						rc = 0;
				}
			}
		}
	}
	if (rc < 0) {
		int saved = errno;
		if (fd >= 0)
			close(fd);
		snprintf(error, len, "%s %s: %s", step, !strcmp(step, "rename") ? dst : tmp,
			 strerror(saved));
		unlink(tmp);
	}
	free(tmp);
	free(dst);
	free(text);
	return rc;
}

static void deliver_spool(struct cd_target *t, struct cd_event *ev, size_t n)
{
	char error[512];
	bool any = false;
	int dfd;

	for (size_t i = 0; i < n; i++) {
		/* A directory that is missing, full or read-only fails every
		 * event alike: none of them is at fault, they wait. */
		if (spool_one(t, &ev[i], error, sizeof(error)) < 0) {
			set_all(&ev[i], n - i, CD_EV_UNREACHABLE, error);
			break;
		}
		ev[i].state = CD_EV_DONE;
		any = true;
	}
	if (!any)
		return;
	/* The names are durable only once the directory is. */
	dfd = open(t->directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0) {
		snprintf(error, sizeof(error), "fsync %s: %s", t->directory, strerror(errno));
		for (size_t i = 0; i < n; i++)
			if (ev[i].state == CD_EV_DONE) {
				ev[i].state = CD_EV_UNREACHABLE;
				snprintf(ev[i].error, sizeof(ev[i].error), "%s", error);
			}
	}
	if (dfd >= 0)
		close(dfd);
}

void cd_sync_deliver(struct cd_target *t, struct cd_event *events, size_t n)
{
	if (t->kind == CD_TARGET_POSTGRES)
		deliver_pg(t, events, n);
	else if (t->kind == CD_TARGET_SPOOL)
		deliver_spool(t, events, n);
}

double cd_sync_backoff(int attempts, double base, double max, double jitter)
{
	double d = base;

	for (int i = 1; i < attempts && d < max; i++)
		d *= 2;
	if (d > max)
		d = max;
	return d * jitter;
}
