/* Unit tests of client/qr.c: the smallest version for a text, its finder
 * patterns where ISO/IEC 18004 puts them, a text too long for version 40
 * refused; the SVG draws exactly the dark modules; the PNG is a valid
 * 1-bit greyscale image (signature, chunk CRCs, zlib stream and Adler-32)
 * whose pixels are the modules, and the same code gives the same bytes. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "client/qr.h"
#include "xmalloc.h"

/* CRC-32 bit by bit, apart from the table of qr.c. */
static uint32_t
crc32_bits(const unsigned char *p, size_t len)
{
	uint32_t c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return c ^ 0xffffffffu;
}

/* Four bytes, most significant first. */
static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* The dark module of a finder pattern at (x, y) from its top left. */
static int
finder_dark(size_t x, size_t y)
{
	size_t ring = x < y ? x : y, far = x > y ? x : y;

	/* Rings: 0 dark, 1 light, 2 to 4 the dark 3 × 3 centre. */
	if (far == 6 || ring == 0)
		return 1;
	if (far == 5 || ring == 1)
		return 0;
	return 1;
}

START_TEST(versions)
{
	struct qr *qr = qr_encode("V-001", QR_ECC_Q), *big;
	char *text;
	size_t x, y, w;

	ck_assert_ptr_nonnull(qr);
	ck_assert_int_eq(qr_version(qr), 1);
	ck_assert_uint_eq(qr_width(qr), 21);
	w = qr_width(qr);
	/* The three finder patterns, and the light separator beside them. */
	for (y = 0; y < 7; y++) {
		for (x = 0; x < 7; x++) {
			ck_assert_int_eq(qr_dark(qr, x, y), finder_dark(x, y));
			ck_assert_int_eq(qr_dark(qr, w - 7 + x, y),
			    finder_dark(x, y));
			ck_assert_int_eq(qr_dark(qr, x, w - 7 + y),
			    finder_dark(x, y));
		}
		ck_assert_int_eq(qr_dark(qr, 7, y), 0);
	}
	/* 2,953 bytes fit version 40 with L, not one more; with M fewer. */
	text = xmalloc(2955);
	memset(text, 'a', 2954);
	text[2954] = '\0';
	ck_assert_ptr_null(qr_encode(text, QR_ECC_L));
	text[2953] = '\0';
	big = qr_encode(text, QR_ECC_L);
	ck_assert_ptr_nonnull(big);
	ck_assert_int_eq(qr_version(big), 40);
	ck_assert_uint_eq(qr_width(big), 177);
	ck_assert_ptr_null(qr_encode(text, QR_ECC_M));
	qr_free(big);
	qr_free(qr);
	free(text);
}
END_TEST

START_TEST(svg_modules)
{
	struct qr *qr = qr_encode("https://example.org/?q=vpoints", QR_ECC_M);
	char *out = NULL, *p, *end;
	size_t len, w, x, y, dark = 0, drawn = 0;
	unsigned long mx, my, run, back;
	unsigned char *seen;
	FILE *f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(qr);
	ck_assert_ptr_nonnull(f);
	qr_svg(f, qr, "30mm");
	ck_assert_int_eq(fclose(f), 0);
	w = qr_width(qr);
	ck_assert_ptr_nonnull(strstr(out, "width=\"30mm\" height=\"30mm\""));
	p = xasprintf("viewBox=\"0 0 %zu %zu\"", w + 8, w + 8);
	ck_assert_ptr_nonnull(strstr(out, p));
	free(p);
	seen = xcalloc(w * w, 1);
	p = strstr(out, " d=\"");
	ck_assert_ptr_nonnull(p);
	for (p += 4; *p == 'M' || *p == '\n'; p = end) {
		if (*p == '\n') {
			end = p + 1;
			continue;
		}
		ck_assert_int_eq(sscanf(p, "M%lu %luh%luv1h-%luz", &mx, &my,
		    &run, &back), 4);
		ck_assert_uint_eq(run, back);
		ck_assert_uint_ge(mx, QR_QUIET);
		ck_assert_uint_ge(my, QR_QUIET);
		ck_assert_uint_le(mx + run, w + QR_QUIET);
		for (x = 0; x < run; x++) {
			ck_assert(!seen[(my - QR_QUIET) * w + mx - QR_QUIET + x]);
			seen[(my - QR_QUIET) * w + mx - QR_QUIET + x] = 1;
			drawn++;
		}
		end = strchr(p, 'z') + 1;
	}
	ck_assert_int_eq(*p, '"');
	for (y = 0; y < w; y++) {
		for (x = 0; x < w; x++) {
			ck_assert_int_eq(seen[y * w + x], qr_dark(qr, x, y));
			dark += (size_t)qr_dark(qr, x, y);
		}
	}
	ck_assert_uint_eq(drawn, dark);
	ck_assert_uint_gt(dark, 0);
	free(seen);
	free(out);
	qr_free(qr);
}
END_TEST

START_TEST(png_pixels)
{
	struct qr *qr = qr_encode("C-2026-000001", QR_ECC_M);
	unsigned char *png, *again, *p, *raw = NULL;
	size_t len, len2, raw_len = 0, side, row, x, y, n, i;
	uint32_t chunk, a = 1, b = 0;
	int dark, want;

	ck_assert_ptr_nonnull(qr);
	png = (unsigned char *)qr_png(qr, 3, &len);
	again = (unsigned char *)qr_png(qr, 3, &len2);
	ck_assert_uint_eq(len, len2);
	ck_assert_int_eq(memcmp(png, again, len), 0);
	ck_assert_int_eq(memcmp(png, "\x89PNG\r\n\x1a\n", 8), 0);
	side = (qr_width(qr) + 2 * QR_QUIET) * 3;
	row = 1 + (side + 7) / 8;
	/* Every chunk's CRC; IHDR as written; the IDAT's stored blocks. */
	for (p = png + 8; p < png + len; p += 12 + chunk) {
		chunk = be32(p);
		ck_assert_uint_le((size_t)(p - png) + 12 + chunk, len);
		ck_assert_uint_eq(be32(p + 8 + chunk), crc32_bits(p + 4,
		    4 + chunk));
		if (memcmp(p + 4, "IHDR", 4) == 0) {
			ck_assert_uint_eq(chunk, 13);
			ck_assert_uint_eq(be32(p + 8), side);
			ck_assert_uint_eq(be32(p + 12), side);
			ck_assert_int_eq(memcmp(p + 16, "\x01\x00\x00\x00\x00",
			    5), 0);
		} else if (memcmp(p + 4, "IDAT", 4) == 0) {
			ck_assert_int_eq((p[8] << 8 | p[9]) % 31, 0);
			for (i = 2; ; i += 5 + n) {
				n = (size_t)p[8 + i + 1] | (size_t)p[8 + i + 2] << 8;
				ck_assert_uint_eq(n ^ 0xffff,
				    (size_t)p[8 + i + 3] |
				    (size_t)p[8 + i + 4] << 8);
				raw = xrealloc(raw, raw_len + n);
				memcpy(raw + raw_len, p + 8 + i + 5, n);
				raw_len += n;
				if (p[8 + i] & 1)
					break;
			}
			ck_assert_uint_eq(i + 5 + n + 4, chunk);
			for (i = 0; i < raw_len; i++) {
				a = (a + raw[i]) % 65521;
				b = (b + a) % 65521;
			}
			ck_assert_uint_eq(be32(p + 8 + chunk - 4), b << 16 | a);
		}
	}
	ck_assert_ptr_eq(p, png + len);
	ck_assert_int_eq(memcmp(png + len - 12, "\0\0\0\0IEND", 8), 0);
	ck_assert_uint_eq(raw_len, row * side);
	for (y = 0; y < side; y++) {
		ck_assert_int_eq(raw[y * row], 0);
		for (x = 0; x < side; x++) {
			dark = !(raw[y * row + 1 + x / 8] & (0x80 >> (x % 8)));
			want = x / 3 >= QR_QUIET && y / 3 >= QR_QUIET &&
			    x / 3 < qr_width(qr) + QR_QUIET &&
			    y / 3 < qr_width(qr) + QR_QUIET &&
			    qr_dark(qr, x / 3 - QR_QUIET, y / 3 - QR_QUIET);
			ck_assert_int_eq(dark, want);
		}
	}
	free(raw);
	free(png);
	free(again);
	qr_free(qr);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("qr", NULL, NULL, UNIT_TESTS(versions, svg_modules,
	    png_pixels));
}
