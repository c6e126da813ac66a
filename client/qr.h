/* QR codes (ISO/IEC 18004) made with libqrencode, drawn for printing: an
 * inline SVG of the modules for an HTML page, or a PNG (1-bit grey, made
 * here) for a file. Both draw the quiet zone of QR_QUIET modules around
 * the code. Nothing else of libqrencode shows: no mode hints (it picks
 * numeric, alphanumeric and byte segments itself), version as small as
 * the text allows. */
#ifndef VPOINTS_QR_H
#define VPOINTS_QR_H

#include <stddef.h>
#include <stdio.h>

#define QR_QUIET	4	/* modules of white around the code */

/* Error correction: how much of the code may be lost, about. */
enum qr_ecc {
	QR_ECC_L,		/* 7 % */
	QR_ECC_M,		/* 15 % */
	QR_ECC_Q,		/* 25 % */
	QR_ECC_H		/* 30 % */
};

struct qr;

struct qr	*qr_encode(const char *text, enum qr_ecc);
int		 qr_version(const struct qr *);
size_t		 qr_width(const struct qr *);
int		 qr_dark(const struct qr *, size_t x, size_t y);
void		 qr_svg(FILE *, const struct qr *, const char *size);
char		*qr_png(const struct qr *, unsigned scale, size_t *len);
void		 qr_free(struct qr *);

#endif
