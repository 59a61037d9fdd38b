/* cd_text_safe, which stands between the database and the terminal: for
 * any bytes, the output holds no control character but newline and tab, no
 * C1 control, and is well-formed UTF-8 (checked here independently, with
 * mbrtowc in C.UTF-8). */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "fuzz.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	char *out;
	size_t len, i = 0;
	mbstate_t st;

	if (!init) {
		if (!setlocale(LC_ALL, "C.UTF-8"))
			abort();
		init = 1;
	}
	out = cd_text_safe((const char *)data, size);
	len = strlen(out);
	memset(&st, 0, sizeof st);
	while (i < len) {
		wchar_t c;
		size_t n = mbrtowc(&c, out + i, len - i, &st);

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			abort();
		if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f))
			abort();
		i += n;
	}
	free(out);
	return 0;
}
