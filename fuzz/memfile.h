/* A file in memory (a memfd) for harnesses whose code under test opens
 * files by name: each input is written to it, and its /proc/self/fd path
 * is handed over. One per process, made on first use. */
#ifndef VPOINTS_FUZZ_MEMFILE_H
#define VPOINTS_FUZZ_MEMFILE_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

const char	*memfile_fill(const char *name, mode_t mode,
		    const uint8_t *data, size_t size);

#endif
