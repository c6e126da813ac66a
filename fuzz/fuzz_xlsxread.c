/* Fuzz the workbook reader of vpoints import (client/xlsxread.c). The
 * input is the .xlsx file (a memfd, opened by its /proc/self/fd path).
 * A workbook either reads whole or is refused with a reason; the rows
 * read have increasing numbers, at most 256 cells each, none longer than
 * the bound. */
#include "config.h"

#include <string.h>

#include "fuzz/fuzz.h"
#include "fuzz/memfile.h"
#include "client/xlsxread.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xlsxread *x;
	const char *const *cells;
	const char *path;
	char err[256];
	size_t n, row, last = 0, i;

	path = memfile_fill("workbook.xlsx", 0600, data, size);
	memset(err, 0, sizeof(err));
	if ((x = xlsxread_open(path, err, sizeof(err))) == NULL) {
		FUZZ_CHECK(err[0] != '\0');
		return 0;
	}
	while (xlsxread_row(x, &cells, &n, &row) == 1) {
		FUZZ_CHECK(row > last && row <= XLSXREAD_MAX_ROWS);
		last = row;
		FUZZ_CHECK(n <= XLSXREAD_MAX_COLUMNS);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(strlen(cells[i]) <= XLSXREAD_MAX_CELL);
	}
	FUZZ_CHECK(xlsxread_done(x) == 1.0);
	xlsxread_free(x);
	return 0;
}
