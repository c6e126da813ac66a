#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz/memfile.h"

static int	memfile_fd = -1;
static char	memfile_path[64];

/* Make the memory file (named name, of mode mode) the first time, then
 * hold exactly data in it; its path. */
const char *
memfile_fill(const char *name, mode_t mode, const uint8_t *data, size_t size)
{
	if (memfile_fd == -1) {
		if ((memfile_fd = memfd_create(name, MFD_CLOEXEC)) == -1 ||
		    fchmod(memfile_fd, mode) != 0)
			abort();
		snprintf(memfile_path, sizeof(memfile_path),
		    "/proc/self/fd/%d", memfile_fd);
	}
	if (ftruncate(memfile_fd, 0) != 0 || (size != 0 &&
	    pwrite(memfile_fd, data, size, 0) != (ssize_t)size))
		abort();
	return memfile_path;
}
