/* Masked copies of personal data: see mask.h. */
#include "mask.h"

#include <stdlib.h>
#include <string.h>

#define MASK_HEAD_IDNO 6
#define MASK_TAIL_IDNO 4
#define MASK_HEAD_PHONE 3
#define MASK_TAIL_PHONE 4

static int is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Byte length of the well-formed UTF-8 character at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 1 when the bytes there do
 * not form one. Decoded by hand rather than with mbrtowc so that the result
 * does not depend on the process locale. Invalid bytes count as one
 * character each, so a broken sequence never swallows the characters after it. */
static size_t utf8_char_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 1;
	/* Second-byte ranges that exclude overlongs, surrogates and > U+10FFFF. */
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (avail < n || s[1] < lo || s[1] > hi)
		return 1;
	for (i = 2; i < n; i++)
		if (!is_cont(s[i]))
			return 1;
	return n;
}

static size_t utf8_count(const unsigned char *s, size_t len)
{
	size_t off = 0, chars = 0;

	while (off < len) {
		off += utf8_char_len(s + off, len - off);
		chars++;
	}
	return chars;
}

/* Byte offset just past the first `chars` characters of s. */
static size_t utf8_skip(const unsigned char *s, size_t len, size_t chars)
{
	size_t off = 0, i;

	for (i = 0; i < chars && off < len; i++)
		off += utf8_char_len(s + off, len - off);
	return off;
}

char *cd_mask(const char *value, size_t head, size_t tail)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t len, chars, hidden, head_end, tail_start;
	char *out, *p;

	if (value == NULL)
		return NULL;
	len = strlen(value);
	chars = utf8_count(s, len);
	/* Too short to show anything without giving most of it away. */
	if (chars <= head || chars - head <= tail) {
		head = 0;
		tail = 0;
	}
	hidden = chars - head - tail;
	head_end = utf8_skip(s, len, head);
	tail_start = utf8_skip(s, len, chars - tail);
	/* Each '*' replaces at least one byte, so the copy is never longer. */
	out = malloc(len + 1);
	if (out == NULL)
		return NULL;
	p = out;
	memcpy(p, value, head_end);
	p += head_end;
	memset(p, '*', hidden);
	p += hidden;
	memcpy(p, value + tail_start, len - tail_start);
	p += len - tail_start;
	*p = '\0';
	return out;
}

char *cd_mask_idno(const char *normalized)
{
	return cd_mask(normalized, MASK_HEAD_IDNO, MASK_TAIL_IDNO);
}

char *cd_mask_phone(const char *normalized)
{
	return cd_mask(normalized, MASK_HEAD_PHONE, MASK_TAIL_PHONE);
}
