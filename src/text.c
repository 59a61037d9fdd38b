/* Display width, text made safe for a terminal, JSON strings and password input. */
#define _GNU_SOURCE /* fopencookie: a stream whose writes pass through a function */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "text.h"
#include "util.h"

int cd_text_width(const char *s)
{
	mbstate_t st;
	size_t left = strlen(s);
	int cols = 0;

	memset(&st, 0, sizeof(st));
	while (left > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, left, &st);
		int w;

		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&st, 0, sizeof(st));
			n = 1, w = 1;
		} else {
			w = wcwidth(wc);
			if (w < 0)
				w = 1;
		}
		cols += w;
		s += n;
		left -= n;
	}
	return cols;
}

/* ---- text made safe for a terminal ---- */

/* Incremental, because a stream hands over its buffer in pieces that may
 * end inside a character: up to 3 bytes wait for the next piece. */
struct safe {
	unsigned char pend[4];
	size_t npend;
	char out[4096];
	size_t nout;
	void (*flush)(void *arg, const char *p, size_t n);
	void *arg;
};

static void safe_put(struct safe *st, const void *p, size_t n)
{
	if (st->nout + n > sizeof st->out) {
		st->flush(st->arg, st->out, st->nout);
		st->nout = 0;
	}
	memcpy(st->out + st->nout, p, n);
	st->nout += n;
}

static void safe_replacement(struct safe *st)
{
	static int utf8 = -1;

	if (utf8 < 0)
		utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (utf8)
		safe_put(st, "\xEF\xBF\xBD", 3);
	else
		safe_put(st, "?", 1);
}

/* Length of the well-formed UTF-8 sequence at p (n bytes available): 1-4,
 * 0 when more bytes are needed to tell, -1 when it is not well-formed. The
 * ranges of RFC 3629 (no overlong forms, no surrogates, nothing past
 * U+10FFFF). */
static int utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xBF;
	int len;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		len = 2;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		len = 3;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		len = 4;
	else
		return -1;
	if (p[0] == 0xE0)
		lo = 0xA0;
	else if (p[0] == 0xED)
		hi = 0x9F;
	else if (p[0] == 0xF0)
		lo = 0x90;
	else if (p[0] == 0xF4)
		hi = 0x8F;
	for (int i = 1; i < len; i++) {
		if ((size_t)i >= n)
			return 0;
		if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xBF))
			return -1;
	}
	return len;
}

/* Consumes what it can of p; returns the bytes used (the rest, fewer than
 * 4, is an unfinished character unless final). */
static size_t safe_run(struct safe *st, const unsigned char *p, size_t n, bool final)
{
	size_t i = 0;

	while (i < n) {
		int len = utf8_seq(p + i, n - i);

		if (len == 0 && !final)
			break;
		if (len <= 0) {
			safe_replacement(st);
			i++;
		} else if (len == 1) {
			if ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\t') || p[i] == 0x7F)
				safe_replacement(st);
			else
				safe_put(st, p + i, 1);
			i++;
		} else {
			/* C1 controls are U+0080-U+009F, that is C2 80 - C2 9F. */
			if (len == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0)
				safe_replacement(st);
			else
				safe_put(st, p + i, (size_t)len);
			i += (size_t)len;
		}
	}
	return i;
}

static void safe_feed(struct safe *st, const char *s, size_t len, bool final)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used;

	/* Finish a character left over from the previous piece, a byte at a time. */
	while (st->npend && len) {
		st->pend[st->npend++] = *p++;
		len--;
		used = safe_run(st, st->pend, st->npend, false);
		memmove(st->pend, st->pend + used, st->npend - used);
		st->npend -= used;
	}
	if (st->npend && final) {
		safe_run(st, st->pend, st->npend, true);
		st->npend = 0;
	}
	if (len) {
		used = safe_run(st, p, len, final);
		memcpy(st->pend, p + used, len - used);
		st->npend = len - used;
	}
	if (st->nout) {
		st->flush(st->arg, st->out, st->nout);
		st->nout = 0;
	}
}

struct grow {
	char *p;
	size_t len;
};

static void grow_flush(void *arg, const char *p, size_t n)
{
	struct grow *g = arg;

	g->p = xrealloc(g->p, g->len + n + 1);
	memcpy(g->p + g->len, p, n);
	g->len += n;
	g->p[g->len] = '\0';
}

char *cd_text_safe(const char *s, size_t len)
{
	struct grow g = { xstrdup(""), 0 };
	struct safe st = { .flush = grow_flush, .arg = &g };

	safe_feed(&st, s ? s : "", s ? len : 0, true);
	return g.p;
}

/* The guarded streams write straight to the descriptor: flushing at exit
 * then needs no other stream that may already be gone. */
struct guard {
	struct safe st;
	int fd;
};

static void fd_flush(void *arg, const char *p, size_t n)
{
	int fd = *(int *)arg;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static ssize_t guard_write(void *cookie, const char *buf, size_t size)
{
	struct guard *g = cookie;

	safe_feed(&g->st, buf, size, false);
	return (ssize_t)size;
}

static int guard_close(void *cookie)
{
	struct guard *g = cookie;

	safe_feed(&g->st, "", 0, true);
	free(g);
	return 0;
}

static FILE *guard_open(int fd, int mode)
{
	static const cookie_io_functions_t io = { .write = guard_write, .close = guard_close };
	struct guard *g = xcalloc(1, sizeof(*g));
	FILE *f;

	g->fd = fd;
	g->st.flush = fd_flush;
	g->st.arg = &g->fd;
	f = fopencookie(g, "w", io);
	if (!f) {
		free(g);
		return NULL;
	}
	setvbuf(f, NULL, mode, BUFSIZ);
	return f;
}

/* The original streams, put back when the guarded ones are closed. */
static FILE *plain_out, *plain_err;
static bool guarded;

/* At exit, before stdio flushes what is left: close the guarded streams
 * (their last bytes go out, their state is freed) and put the plain ones
 * back for anything that writes later. */
static void guard_end(void)
{
	if (!guarded)
		return;
	if (plain_out) {
		fclose(stdout);
		stdout = plain_out;
	}
	fclose(stderr);
	stderr = plain_err;
	plain_out = plain_err = NULL;
	guarded = false;
}

int cd_text_guard_stdio(bool guard_stdout)
{
	static bool registered;
	FILE *out = NULL, *err = NULL;

	if (guard_stdout && !plain_out) {
		fflush(stdout);
		/* Buffered as stdio would: by line on a terminal, by block otherwise. */
		out = guard_open(STDOUT_FILENO, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF);
		if (!out)
			return -1;
	}
	if (!guarded) {
		fflush(stderr);
		err = guard_open(STDERR_FILENO, _IONBF);
		if (!err || (!registered && atexit(guard_end) != 0)) {
			if (out)
				fclose(out);
			if (err)
				fclose(err);
			return -1;
		}
		registered = guarded = true;
		plain_err = stderr;
		stderr = err;
	}
	/* glibc's stdout and stderr are plain variables meant to be set. */
	if (out) {
		plain_out = stdout;
		stdout = out;
	}
	return 0;
}

void cd_print_padded(FILE *f, const char *s, int width)
{
	int pad = width - cd_text_width(s);

	fputs(s, f);
	while (pad-- > 0)
		fputc(' ', f);
}

void cd_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

char *cd_read_password(const char *prompt)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	struct termios old, quiet;
	char buf[512];
	size_t n = 0;
	char c, *out = NULL;

	if (fd < 0)
		return NULL;
	if (tcgetattr(fd, &old) < 0) {
		close(fd);
		return NULL;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (write(fd, prompt, strlen(prompt)) < 0 || tcsetattr(fd, TCSAFLUSH, &quiet) < 0)
		goto out;
	for (;;) {
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (c == '\n' || c == '\r') {
			out = xmalloc(n + 1);
			memcpy(out, buf, n);
			out[n] = '\0';
			break;
		}
		if (n < sizeof(buf) - 1)
			buf[n++] = c;
	}
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0) {
		/* The password was read; a lost newline on the tty is harmless. */
	}
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return out;
}

char *cd_read_first_line(const char *path)
{
	size_t len;
	char *text = read_file(path, &len);

	if (!text)
		return NULL;
	text[strcspn(text, "\r\n")] = '\0';
	return text;
}
