/* Fuzz the request head screen (daemon/head.c). The input is the start
 * of a connection's bytes. Fed whole, a byte at a time, or in pieces of
 * any size, it must come to the same answer at the same byte; a head it
 * passes must end in an empty line and hold none of what it promises to
 * refuse (NUL and other control bytes, bare CR or LF, obs-fold, a request
 * line other than three parts separated by one space each); what it
 * refuses it must refuse with a status and a reason. */
#include "config.h"

#include <string.h>

#include "fuzz/fuzz.h"
#include "daemon/head.h"

#define FUZZ_HEAD_MAX	2048

/* Feed data in pieces of step bytes; the result, *used and h. */
static enum head_result
feed(struct head *h, const uint8_t *data, size_t size, size_t step,
    size_t *used)
{
	enum head_result r = HEAD_MORE;
	size_t off = 0, n;

	head_start(h, FUZZ_HEAD_MAX);
	while (r == HEAD_MORE && off < size) {
		n = size - off < step ? size - off : step;
		r = head_feed(h, (const char *)data + off, n, used);
		off += *used;
	}
	*used = off;
	return r;
}

/* What a head that passed (its n bytes) must be. */
static void
check_passed(const uint8_t *p, size_t n)
{
	size_t i, spaces = 0, line = 0;

	FUZZ_CHECK(n >= 4 && memcmp(p + n - 4, "\r\n\r\n", 4) == 0);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(p[i] != '\0' && p[i] != 0x7f);
		FUZZ_CHECK(p[i] >= 0x20 || p[i] == '\t' || p[i] == '\r' ||
		    p[i] == '\n');
		if (p[i] == '\n')
			FUZZ_CHECK(i > 0 && p[i - 1] == '\r');
		if (p[i] == '\r')
			FUZZ_CHECK(i + 1 < n && p[i + 1] == '\n');
		if (i > 0 && p[i - 1] == '\n') {
			line++;
			FUZZ_CHECK(p[i] != ' ' && p[i] != '\t');
		}
		if (line == 0 && p[i] == ' ')
			spaces++;
		if (line == 0)
			FUZZ_CHECK(p[i] != '\t' && p[i] < 0x80);
	}
	FUZZ_CHECK(spaces == 2);
	/* The target is a path (origin-form). */
	for (i = 0; p[i] != ' '; i++)
		;
	FUZZ_CHECK(p[i + 1] == '/');
}

/* One input: the same answer however it is cut, and a sound one. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t steps[] = { 1, 2, 3, 7, 64 };
	struct head whole, part;
	enum head_result r, q;
	size_t used, u, i;

	r = feed(&whole, data, size, size > 0 ? size : 1, &used);
	FUZZ_CHECK(used <= size);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		q = feed(&part, data, size, steps[i], &u);
		FUZZ_CHECK(q == r && u == used);
		if (r == HEAD_BAD)
			FUZZ_CHECK(part.status == whole.status &&
			    strcmp(part.why, whole.why) == 0);
	}
	switch (r) {
	case HEAD_MORE:
		FUZZ_CHECK(used == size);
		break;
	case HEAD_DONE:
		check_passed(data, used);
		break;
	case HEAD_BAD:
		FUZZ_CHECK(whole.status == 400 || whole.status == 501 ||
		    whole.status == 505);
		FUZZ_CHECK(whole.why != NULL && strlen(whole.why) > 10);
		break;
	default:
		FUZZ_CHECK(0);
	}
	return 0;
}
