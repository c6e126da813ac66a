/* Fuzz the CSV reader of vpoints import (client/csvread.c). The first
 * byte of the input picks the encoding asked for (found, UTF-8, GB18030),
 * the rest is the file. A file either reads to its end or is refused with
 * a reason; every record read has 1 to 256 cells of UTF-8 without NUL,
 * none longer than the bound, and the records are numbered 1, 2, 3 … */
#include "config.h"

#include <string.h>

#include "fuzz/fuzz.h"
#include "client/csvread.h"

/* True if s is well-formed UTF-8 (the same rule as the reader's, written
 * again the simple way). */
static int
utf8_ok(const unsigned char *s)
{
	size_t n, k;

	while (*s != '\0') {
		if (*s < 0x80)
			n = 0;
		else if ((*s & 0xe0) == 0xc0 && *s >= 0xc2)
			n = 1;
		else if ((*s & 0xf0) == 0xe0)
			n = 2;
		else if (*s >= 0xf0 && *s <= 0xf4)
			n = 3;
		else
			return 0;
		for (k = 1; k <= n; k++)
			if ((s[k] & 0xc0) != 0x80)
				return 0;
		s += n + 1;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum csvread_encoding encodings[] = { CSVREAD_AUTO,
	    CSVREAD_UTF8, CSVREAD_GB18030 };
	struct csvread *c;
	const char *const *cells;
	char err[256];
	size_t n, row, want = 1, i;
	int rc;

	if (size == 0)
		return 0;
	memset(err, 0, sizeof(err));
	c = csvread_new((const char *)data + 1, size - 1,
	    encodings[data[0] % 3], err, sizeof(err));
	if (c == NULL) {
		FUZZ_CHECK(err[0] != '\0');
		return 0;
	}
	while ((rc = csvread_row(c, &cells, &n, &row, err,
	    sizeof(err))) == 1) {
		FUZZ_CHECK(row == want++);
		FUZZ_CHECK(n >= 1 && n <= CSVREAD_MAX_COLUMNS);
		for (i = 0; i < n; i++) {
			FUZZ_CHECK(strlen(cells[i]) <= CSVREAD_MAX_CELL);
			FUZZ_CHECK(utf8_ok((const unsigned char *)cells[i]));
		}
	}
	if (rc == 0)
		FUZZ_CHECK(csvread_done(c) == 1.0);
	else
		FUZZ_CHECK(rc == -1 && err[0] != '\0');
	csvread_free(c);
	return 0;
}
