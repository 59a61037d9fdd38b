/* Checked allocation and small helpers shared by the core. */
#ifndef CD_UTIL_H
#define CD_UTIL_H

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* These never return NULL: out of memory ends the program with a message
 * (after the registered cleanup restored the terminal). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reads a whole file into a NUL-terminated buffer; NULL with errno on failure. */
char *read_file(const char *path, size_t *len);

/* Makes a random (version 4) UUID as text: the client-made operation id. */
#define CD_UUID_LEN 37
void cd_uuid4(char out[CD_UUID_LEN]);

#endif
