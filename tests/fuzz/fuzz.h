/* Shared by the libFuzzer targets: the entry point's prototype, and a file
 * the parsers that only read files (iniparser) can be given. */
#ifndef CD_FUZZ_H
#define CD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes data to one temporary file (made on the first call, removed at
 * exit) and returns its path; aborts when the file cannot be written, which
 * libFuzzer reports as a crash rather than a silent pass. */
const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix);

#endif
