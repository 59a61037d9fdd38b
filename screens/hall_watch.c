/* The hall's notifications for the screens, and large characters.
 *
 * One LISTEN per connection, whatever the number of hall screens open: the
 * session hands every NOTIFY to on_notify (from cd_session_alive, which the
 * loop calls when the socket is readable), which keeps the last RING
 * payloads. Each screen reads them in its tick at its own pace; a screen
 * that fell more than RING behind, or a connection that was re-established
 * (the server forgets a LISTEN with the connection), reads everything again
 * instead. Nothing here queries on a timer. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "draw.h"
#include "error.h"
#include "hall_ui.h"
#include "i18n.h"
#include "notify.h"
#include "session.h"

#define RING 64
#define PAYLOAD_MAX 192

static struct {
	struct notify_listen listen;
	unsigned long count;              /* notifications heard */
	char payload[RING][PAYLOAD_MAX];
} hw;

static void on_notify(const char *channel, const char *payload, void *arg)
{
	(void)arg;
	if (strcmp(channel, CD_HALL_CHANNEL) != 0)
		return;
	snprintf(hw.payload[hw.count % RING], PAYLOAD_MAX, "%s", payload ? payload : "");
	hw.count++;
}

struct cd_db *hall_db(struct tui *t)
{
	struct cd_session *s = tui_session(t);

	return s ? s->db : NULL;
}

void hall_fail(struct tui *t, const char *what, const struct cd_error *err)
{
	char text[768];

	tui_message(t, MSG_ERROR, _("%s: %s"), what, cd_error_text(err, text, sizeof(text)));
}

static bool ensure_listen(struct tui *t)
{
	static const char *const channels[] = { CD_HALL_CHANNEL, NULL };

	return notify_ensure(t, &hw.listen, channels, on_notify, cd_hall_listen,
			     _("The hall's changes cannot be followed"));
}

bool hall_watch_start(struct tui *t, struct hall_watch *w)
{
	bool ok = ensure_listen(t);

	w->seen = hw.count;
	w->listen_gen = hw.listen.gen;
	return ok;
}

static void parse(const char *payload, struct hall_event *ev)
{
	json_t *o = json_loads(payload, 0, NULL), *v;

	if (!o)
		return;
	v = json_object_get(o, "event");
	if (json_is_string(v))
		snprintf(ev->event, sizeof(ev->event), "%s", json_string_value(v));
	v = json_object_get(o, "window");
	if (json_is_integer(v))
		ev->window = (int)json_integer_value(v);
	v = json_object_get(o, "number");
	if (json_is_string(v))
		snprintf(ev->number, sizeof(ev->number), "%s", json_string_value(v));
	json_decref(o);
}

bool hall_watch_next(struct tui *t, struct hall_watch *w, struct hall_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (!ensure_listen(t))
		return false;
	if (w->listen_gen != hw.listen.gen || hw.count - w->seen > RING) {
		/* A new LISTEN, or too far behind: what happened is unknown. */
		w->listen_gen = hw.listen.gen;
		w->seen = hw.count;
		return true;
	}
	if (w->seen == hw.count)
		return false;
	parse(hw.payload[w->seen % RING], ev);
	w->seen++;
	if (!ev->event[0])
		snprintf(ev->event, sizeof(ev->event), "%s", "unknown");
	return true;
}

void hall_category_label(char *buf, size_t len, const char *code, const char *name)
{
	snprintf(buf, len, "%s %s", code, name ? name : "");
}

/* ---- large characters: 3 x 5 dots, each dot two columns wide ---- */

static const struct {
	char c;
	const char *rows[BIG_ROWS];
} font[] = {
	{ '0', { "###", "# #", "# #", "# #", "###" } },
	{ '1', { " # ", "## ", " # ", " # ", "###" } },
	{ '2', { "###", "  #", "###", "#  ", "###" } },
	{ '3', { "###", "  #", "###", "  #", "###" } },
	{ '4', { "# #", "# #", "###", "  #", "  #" } },
	{ '5', { "###", "#  ", "###", "  #", "###" } },
	{ '6', { "###", "#  ", "###", "# #", "###" } },
	{ '7', { "###", "  #", "  #", "  #", "  #" } },
	{ '8', { "###", "# #", "###", "# #", "###" } },
	{ '9', { "###", "# #", "###", "  #", "###" } },
	{ 'A', { " # ", "# #", "###", "# #", "# #" } },
	{ 'B', { "## ", "# #", "## ", "# #", "## " } },
	{ 'C', { "###", "#  ", "#  ", "#  ", "###" } },
	{ 'D', { "## ", "# #", "# #", "# #", "## " } },
	{ 'E', { "###", "#  ", "###", "#  ", "###" } },
	{ 'F', { "###", "#  ", "###", "#  ", "#  " } },
	{ 'G', { "###", "#  ", "# #", "# #", "###" } },
	{ 'H', { "# #", "# #", "###", "# #", "# #" } },
	{ 'I', { "###", " # ", " # ", " # ", "###" } },
	{ 'J', { "  #", "  #", "  #", "# #", "###" } },
	{ 'K', { "# #", "# #", "## ", "# #", "# #" } },
	{ 'L', { "#  ", "#  ", "#  ", "#  ", "###" } },
	{ 'M', { "# #", "###", "###", "# #", "# #" } },
	{ 'N', { "## ", "# #", "# #", "# #", "# #" } },
	{ 'O', { "###", "# #", "# #", "# #", "###" } },
	{ 'P', { "###", "# #", "###", "#  ", "#  " } },
	{ 'Q', { "###", "# #", "# #", "###", "  #" } },
	{ 'R', { "## ", "# #", "## ", "# #", "# #" } },
	{ 'S', { "###", "#  ", "###", "  #", "###" } },
	{ 'T', { "###", " # ", " # ", " # ", " # " } },
	{ 'U', { "# #", "# #", "# #", "# #", "###" } },
	{ 'V', { "# #", "# #", "# #", "# #", " # " } },
	{ 'W', { "# #", "# #", "###", "###", "# #" } },
	{ 'X', { "# #", "# #", " # ", "# #", "# #" } },
	{ 'Y', { "# #", "# #", " # ", " # ", " # " } },
	{ 'Z', { "###", "  #", " # ", "#  ", "###" } },
};

#define DOT_COLS 2
#define GLYPH_COLS (3 * DOT_COLS)
#define GAP_COLS 2

static int glyph(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	for (size_t i = 0; i < sizeof(font) / sizeof(font[0]); i++)
		if (font[i].c == c)
			return (int)i;
	return -1;
}

int big_width(const char *s)
{
	int n = 0;

	for (; *s; s++)
		if (glyph(*s) >= 0)
			n++;
	return n ? n * GLYPH_COLS + (n - 1) * GAP_COLS : 0;
}

void big_draw(WINDOW *w, int y, int x, const char *s)
{
	int maxx = getmaxx(w), maxy = getmaxy(w);
	attr_t before;
	short pair;

	wattr_get(w, &before, &pair, NULL);
	for (; *s; s++) {
		int g = glyph(*s);

		if (g < 0)
			continue;
		for (int r = 0; r < BIG_ROWS && y + r < maxy; r++) {
			for (int d = 0; d < 3; d++) {
				int cx = x + d * DOT_COLS;

				if (font[g].rows[r][d] != '#' || cx < 0 || cx + DOT_COLS > maxx)
					continue;
				wattrset(w, before | A_REVERSE);
				draw_fill(w, y + r, cx, DOT_COLS);
			}
		}
		x += GLYPH_COLS + GAP_COLS;
	}
	wattr_set(w, before, pair, NULL);
}
