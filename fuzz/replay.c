/* Replay inputs through a harness without libFuzzer: each argument is a
 * file, or a folder whose files (not its dot files) are replayed in name
 * order.  Each input gets a buffer of its exact size, so that a sanitizer
 * sees a read past its end.  Prints how many inputs ran; exits 1 if an
 * argument cannot be read or there was nothing to replay. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"

/* Run the harness once over the bytes of one file; -1 if unreadable. */
static int
replay_file(const char *path)
{
	unsigned char *data = NULL;
	size_t len = 0, size = 0, n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == size) {
			size = size != 0 ? 2 * size : 4096;
			if ((data = realloc(data, size)) == NULL)
				abort();
		}
		n = fread(data + len, 1, size - len, f);
		if (n == 0)
			break;
		len += n;
	}
	if (ferror(f)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		fclose(f);
		free(data);
		return -1;
	}
	fclose(f);
	/* Exactly len bytes, as libFuzzer hands them over. */
	if ((data = realloc(data, len != 0 ? len : 1)) == NULL)
		abort();
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

/* Order folder entries by name. */
static int
replay_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replay every file of a folder; the count of inputs, or -1. */
static int
replay_dir(const char *dir)
{
	struct dirent *de;
	char **names = NULL, *path;
	size_t n = 0, i;
	int count = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((names = realloc(names, (n + 1) * sizeof(*names))) == NULL ||
		    (names[n] = strdup(de->d_name)) == NULL)
			abort();
		n++;
	}
	closedir(d);
	if (n != 0)
		qsort(names, n, sizeof(*names), replay_name_cmp);
	for (i = 0; i < n; i++) {
		if ((path = malloc(strlen(dir) + strlen(names[i]) + 2)) == NULL)
			abort();
		sprintf(path, "%s/%s", dir, names[i]);
		if (count >= 0 && replay_file(path) == 0)
			count++;
		else
			count = -1;
		free(path);
		free(names[i]);
	}
	free(names);
	return count;
}

/* Replay every argument in turn. */
int
main(int argc, char **argv)
{
	struct stat st;
	int i, n, total = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			return 1;
		}
		if (S_ISDIR(st.st_mode))
			n = replay_dir(argv[i]);
		else
			n = replay_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			return 1;
		total += n;
	}
	printf("replayed %d inputs\n", total);
	return total > 0 ? 0 : 1;
}
