#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "client/qr.h"
#include "buf.h"
#include "xmalloc.h"

#define QR_PNG_STORED_MAX	65535	/* bytes of one stored deflate block */

struct qr {
	QRcode	*code;
};

/* Encode text, as small as it fits, with the error correction asked; NULL
 * when it does not fit a QR code (version 40) at that level. */
struct qr *
qr_encode(const char *text, enum qr_ecc ecc)
{
	static const QRecLevel levels[] = {
		[QR_ECC_L] = QR_ECLEVEL_L,
		[QR_ECC_M] = QR_ECLEVEL_M,
		[QR_ECC_Q] = QR_ECLEVEL_Q,
		[QR_ECC_H] = QR_ECLEVEL_H,
	};
	struct qr *qr;
	QRcode *code;

	if ((unsigned)ecc >= sizeof(levels) / sizeof(levels[0]) ||
	    *text == '\0')
		abort();
	/* Byte mode as the hint, case kept: libqrencode still cuts the
	 * text into numeric and alphanumeric runs where that is shorter. */
	errno = 0;
	code = QRcode_encodeString(text, 0, levels[ecc], QR_MODE_8, 1);
	if (code == NULL) {
		if (errno == ERANGE)
			return NULL;
		abort();
	}
	qr = xmalloc(sizeof(*qr));
	qr->code = code;
	return qr;
}

/* The version, 1 to 40: the width is 17 + 4 × version modules. */
int
qr_version(const struct qr *qr)
{
	return qr->code->version;
}

/* Modules on a side, without the quiet zone. */
size_t
qr_width(const struct qr *qr)
{
	return (size_t)qr->code->width;
}

/* True for a dark module; x and y count from the top left, without the
 * quiet zone. */
int
qr_dark(const struct qr *qr, size_t x, size_t y)
{
	size_t w = qr_width(qr);

	if (x >= w || y >= w)
		abort();
	return qr->code->data[y * w + x] & 1;
}

/* Draw the code as an inline SVG element size (a CSS length, "30mm")
 * square: a white square with the quiet zone, and one path of the dark
 * modules, a rectangle for each run of them in a row. One unit of the
 * drawing is one module. */
void
qr_svg(FILE *f, const struct qr *qr, const char *size)
{
	size_t w = qr_width(qr), side = w + 2 * QR_QUIET, x, y, run;

	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" "
	    "viewBox=\"0 0 %zu %zu\" width=\"%s\" height=\"%s\" "
	    "shape-rendering=\"crispEdges\" role=\"img\">"
	    "<rect width=\"%zu\" height=\"%zu\" fill=\"#fff\"/>"
	    "<path fill=\"#000\" d=\"", side, side, size, size, side, side);
	for (y = 0; y < w; y++) {
		for (x = 0; x < w; x += run) {
			for (run = 0; x + run < w && qr_dark(qr, x + run, y);
			    run++)
				;
			if (run == 0) {
				run = 1;
				continue;
			}
			fprintf(f, "M%zu %zuh%zuv1h-%zuz", x + QR_QUIET,
			    y + QR_QUIET, run, run);
		}
		if (y + 1 < w)
			fputc('\n', f);
	}
	fputs("\"/></svg>", f);
}

/* CRC-32 (ISO 3309, as PNG uses it) of len bytes, continuing crc. */
static uint32_t
qr_crc32(uint32_t crc, const unsigned char *p, size_t len)
{
	static uint32_t table[256];
	uint32_t c;
	size_t i;
	int k;

	if (table[1] == 0) {
		for (i = 0; i < 256; i++) {
			c = (uint32_t)i;
			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	crc ^= 0xffffffffu;
	for (i = 0; i < len; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffu;
}

/* Append n as four bytes, most significant first. */
static void
qr_be32(struct buf *b, uint32_t n)
{
	char bytes[4] = { (char)(n >> 24), (char)(n >> 16), (char)(n >> 8),
	    (char)n };

	buf_add(b, bytes, 4);
}

/* Append a PNG chunk: length, type, data, CRC of type and data. */
static void
qr_chunk(struct buf *b, const char *type, const unsigned char *data,
    size_t len)
{
	uint32_t crc;

	qr_be32(b, (uint32_t)len);
	buf_add(b, type, 4);
	if (len > 0)
		buf_add(b, (const char *)data, len);
	crc = qr_crc32(0, (const unsigned char *)type, 4);
	qr_be32(b, qr_crc32(crc, data, len));
}

/* The code as a PNG image, scale pixels a module, the quiet zone
 * included: 1-bit greyscale, its rows in stored (uncompressed) deflate
 * blocks, so the same code always gives the same bytes. Returns the
 * image, *len its bytes. */
char *
qr_png(const struct qr *qr, unsigned scale, size_t *len)
{
	static const unsigned char signature[] = { 0x89, 'P', 'N', 'G', '\r',
	    '\n', 0x1a, '\n' };
	size_t side = (qr_width(qr) + 2 * QR_QUIET) * scale;
	size_t row = 1 + (side + 7) / 8, raw_len = row * side, i, n, x, y;
	size_t mx, my, w = qr_width(qr);
	unsigned char *raw, ihdr[13], block[5];
	uint32_t a = 1, b2 = 0;
	struct buf z = { NULL, 0, 0 }, png = { NULL, 0, 0 };

	if (scale == 0 || side > 0x7fffffff)
		abort();
	/* Filter byte 0 (none) a row, then the pixels: 1 white, 0 black. */
	raw = xmalloc(raw_len);
	memset(raw, 0xff, raw_len);
	for (y = 0; y < side; y++) {
		raw[y * row] = 0;
		for (x = 0; x < side; x++) {
			mx = x / scale;
			my = y / scale;
			if (mx < QR_QUIET || my < QR_QUIET || mx >= w + QR_QUIET ||
			    my >= w + QR_QUIET ||
			    !qr_dark(qr, mx - QR_QUIET, my - QR_QUIET))
				continue;
			raw[y * row + 1 + x / 8] &= (unsigned char)~(0x80u >>
			    (x % 8));
		}
	}
	/* zlib: deflate with 32 KiB window, no dictionary; stored blocks;
	 * the Adler-32 of the raw bytes. */
	buf_add(&z, "\x78\x01", 2);
	for (i = 0; i < raw_len; i += n) {
		n = raw_len - i < QR_PNG_STORED_MAX ? raw_len - i :
		    QR_PNG_STORED_MAX;
		block[0] = i + n == raw_len ? 1 : 0;
		block[1] = (unsigned char)(n & 0xff);
		block[2] = (unsigned char)(n >> 8);
		block[3] = (unsigned char)(~n & 0xff);
		block[4] = (unsigned char)((~n >> 8) & 0xff);
		buf_add(&z, (const char *)block, 5);
		buf_add(&z, (const char *)raw + i, n);
	}
	for (i = 0; i < raw_len; i++) {
		a = (a + raw[i]) % 65521;
		b2 = (b2 + a) % 65521;
	}
	qr_be32(&z, (b2 << 16) | a);
	ihdr[0] = (unsigned char)(side >> 24);
	ihdr[1] = (unsigned char)(side >> 16);
	ihdr[2] = (unsigned char)(side >> 8);
	ihdr[3] = (unsigned char)side;
	memcpy(ihdr + 4, ihdr, 4);
	ihdr[8] = 1;		/* bit depth */
	ihdr[9] = 0;		/* greyscale */
	ihdr[10] = 0;		/* deflate */
	ihdr[11] = 0;		/* adaptive filtering */
	ihdr[12] = 0;		/* no interlace */
	buf_add(&png, (const char *)signature, sizeof(signature));
	qr_chunk(&png, "IHDR", ihdr, sizeof(ihdr));
	qr_chunk(&png, "IDAT", (const unsigned char *)z.data, z.len);
	qr_chunk(&png, "IEND", NULL, 0);
	free(z.data);
	free(raw);
	*len = png.len;
	return png.data;
}

/* Free a code; NULL is nothing. */
void
qr_free(struct qr *qr)
{
	if (qr == NULL)
		return;
	QRcode_free(qr->code);
	free(qr);
}
