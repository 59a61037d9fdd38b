/* Masked copies of personal data for screens and paper (GB/T 35273). */
#ifndef CD_MASK_H
#define CD_MASK_H

#include <stddef.h>

/* Keeps the first `head` and last `tail` characters, replacing the rest with
 * '*'. Works on UTF-8 characters, not bytes. Returns a malloc'd string. When
 * the value is not longer than head + tail, everything is masked. */
char *cd_mask(const char *value, size_t head, size_t tail);

/* Defaults: identity number 6+4 (110105********002X), phone 3+4 (138****5678). */
char *cd_mask_idno(const char *normalized);
char *cd_mask_phone(const char *normalized);

#endif
