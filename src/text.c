/* Display width, JSON strings and password input. */
#include <errno.h>
#include <fcntl.h>
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
