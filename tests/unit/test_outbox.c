/* Unit tests of client/outbox.c: entries come back byte for byte and in
 * the order they were made, removal and failed/ keep the numbering, a
 * write that fails half-way leaves no file, modes are 0700 and 0600, and
 * no entry holds an ID number. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "client/outbox.h"

static char top[64];
static char dir[128];

/* A fresh folder; the outbox is a folder in it not yet made. */
static void
setup(void)
{
	unit_mkdtemp(top, sizeof(top), "test_outbox");
	snprintf(dir, sizeof(dir), "%s/state/vpoints/outbox", top);
}

/* Remove it. */
static void
teardown(void)
{
	unit_rmdir(top);
}

/* Queue an entry of the given body; return its id (static). */
static const char *
add(const char *body)
{
	static char id[16];
	struct outbox_entry e;
	char err[256];

	memset(&e, 0, sizeof(e));
	e.what = (char[]){ "shift checkin" };
	e.queued_at = (char[]){ "2026-10-05T09:02:03+08:00" };
	e.method = (char[]){ "POST" };
	e.path = (char[]){ "/v1/shifts/checkin" };
	e.idempotency_key = (char[]){ "5b0c7c1e-3d0e-4b8e-9a53-0f8f1d1c2a77" };
	e.body = strdup(body);
	ck_assert_ptr_nonnull(e.body);
	ck_assert_msg(outbox_add(dir, &e, err, sizeof(err)) == 0, "%s", err);
	ck_assert_ptr_nonnull(e.id);
	snprintf(id, sizeof(id), "%s", e.id);
	free(e.id);
	free(e.body);
	return id;
}

/* The names in folder d, sorted, joined by spaces ("." and ".." left out). */
static char *
names(const char *d)
{
	struct dirent **list;
	char *joined = calloc(1, 4096);
	int n, i;

	ck_assert_ptr_nonnull(joined);
	n = scandir(d, &list, NULL, alphasort);
	ck_assert_int_ge(n, 0);
	for (i = 0; i < n; i++) {
		if (strcmp(list[i]->d_name, ".") != 0 &&
		    strcmp(list[i]->d_name, "..") != 0) {
			if (*joined != '\0')
				strcat(joined, " ");
			strcat(joined, list[i]->d_name);
		}
		free(list[i]);
	}
	free(list);
	return joined;
}

/* Assert the mode bits of path. */
static void
assert_mode(const char *path, mode_t mode)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg((st.st_mode & 07777) == mode, "%s: mode %o, want %o",
	    path, (unsigned)(st.st_mode & 07777), (unsigned)mode);
}

START_TEST(write_and_read)
{
	/* Not ASCII, escapes and spacing: all must come back as they were. */
	const char *body = "{\"volunteer\":\"张三\",\"note\":\"a \\\"b\\\"\\n\\u00e9\","
	    "\"started_at\":\"2026-10-05T09:02:03+08:00\" }";
	struct outbox_entry *entries;
	char err[256];
	size_t n;

	ck_assert_int_eq(outbox_list(dir, &entries, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 0);
	outbox_entries_free(entries, n);
	ck_assert_str_eq(add(body), "00000001");
	ck_assert_int_eq(outbox_list(dir, &entries, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(entries[0].id, "00000001");
	ck_assert_str_eq(entries[0].body, body);
	ck_assert_str_eq(entries[0].method, "POST");
	ck_assert_str_eq(entries[0].path, "/v1/shifts/checkin");
	ck_assert_str_eq(entries[0].what, "shift checkin");
	ck_assert_str_eq(entries[0].queued_at, "2026-10-05T09:02:03+08:00");
	ck_assert_str_eq(entries[0].idempotency_key,
	    "5b0c7c1e-3d0e-4b8e-9a53-0f8f1d1c2a77");
	ck_assert_int_eq(entries[0].refused_status, 0);
	ck_assert_ptr_null(entries[0].refusal);
	outbox_entries_free(entries, n);
}
END_TEST

START_TEST(order_and_remove)
{
	struct outbox_entry *entries;
	char err[256], body[32], *made;
	size_t n, i;

	for (i = 1; i <= 12; i++) {
		snprintf(body, sizeof(body), "{\"n\":%zu}", i);
		add(body);
	}
	/* Past nine: names sort as numbers. */
	ck_assert_int_eq(outbox_list(dir, &entries, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 12);
	for (i = 0; i < n; i++) {
		snprintf(body, sizeof(body), "{\"n\":%zu}", i + 1);
		ck_assert_str_eq(entries[i].body, body);
	}
	ck_assert_str_eq(entries[11].id, "00000012");
	outbox_entries_free(entries, n);

	ck_assert_int_eq(outbox_remove(dir, "00000012", err, sizeof(err)), 0);
	ck_assert_int_eq(outbox_remove(dir, "00000002", err, sizeof(err)), 0);
	/* Gone already: a flush run again finds it so. */
	ck_assert_int_eq(outbox_remove(dir, "00000002", err, sizeof(err)), 0);
	ck_assert_int_eq(outbox_remove(dir, "../x", err, sizeof(err)), -1);
	/* The next is after the newest left, so it sorts last. */
	ck_assert_str_eq(add("{\"n\":13}"), "00000012");
	ck_assert_int_eq(outbox_list(dir, &entries, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 11);
	ck_assert_str_eq(entries[0].id, "00000001");
	ck_assert_str_eq(entries[1].id, "00000003");
	ck_assert_str_eq(entries[10].body, "{\"n\":13}");
	outbox_entries_free(entries, n);
	made = names(dir);
	ck_assert_str_eq(made, "00000001 00000003 00000004 00000005 00000006 "
	    "00000007 00000008 00000009 00000010 00000011 00000012");
	free(made);
}
END_TEST

START_TEST(failed_entries)
{
	struct outbox_entry *entries, *failed;
	char err[256], sub[160], path[192];
	size_t n, nf;

	add("{\"n\":1}");
	add("{\"n\":2}");
	ck_assert_int_eq(outbox_list(dir, &entries, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(outbox_fail(dir, &entries[1], 409,
	    "{\"type\":\"urn:vpoints:problem:shift-overlap\"}", err,
	    sizeof(err)), 0);
	outbox_entries_free(entries, n);

	ck_assert_int_eq(outbox_list(dir, &entries, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(entries[0].id, "00000001");
	outbox_entries_free(entries, n);
	snprintf(sub, sizeof(sub), "%s/%s", dir, OUTBOX_FAILED);
	ck_assert_int_eq(outbox_list(sub, &failed, &nf, err, sizeof(err)), 0);
	ck_assert_uint_eq(nf, 1);
	ck_assert_str_eq(failed[0].id, "00000002");
	ck_assert_str_eq(failed[0].body, "{\"n\":2}");
	ck_assert_int_eq(failed[0].refused_status, 409);
	ck_assert_str_eq(failed[0].refusal,
	    "{\"type\":\"urn:vpoints:problem:shift-overlap\"}");
	outbox_entries_free(failed, nf);
	assert_mode(sub, 0700);
	snprintf(path, sizeof(path), "%s/00000002", sub);
	assert_mode(path, 0600);
	/* A refused entry keeps its number: the next one does not take it. */
	ck_assert_str_eq(add("{\"n\":3}"), "00000003");
}
END_TEST

START_TEST(modes)
{
	char path[192];

	umask(0);	/* the modes must not depend on it */
	add("{}");
	assert_mode(dir, 0700);
	snprintf(path, sizeof(path), "%s/00000001", dir);
	assert_mode(path, 0600);
	snprintf(path, sizeof(path), "%s/state", top);
	assert_mode(path, 0700);
}
END_TEST

START_TEST(half_written)
{
	struct outbox_entry e, *entries;
	struct rlimit was, small;
	char err[256], *body, *made;
	size_t n;
	int rc;

	add("{\"n\":1}");
	/* Files may not grow past 4 KiB: the write of a 64 KiB body stops
	 * half-way with EFBIG (SIGXFSZ ignored, as a full disk would). */
	body = malloc(65536);
	ck_assert_ptr_nonnull(body);
	memset(body, 'x', 65535);
	body[0] = '"';
	body[65534] = '"';
	body[65535] = '\0';
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &was), 0);
	small = was;
	small.rlim_cur = 4096;
	memset(&e, 0, sizeof(e));
	e.what = (char[]){ "volunteer add" };
	e.queued_at = (char[]){ "2026-10-05T09:02:03+08:00" };
	e.method = (char[]){ "POST" };
	e.path = (char[]){ "/v1/volunteers" };
	e.idempotency_key = (char[]){ "k" };
	e.body = body;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	rc = outbox_add(dir, &e, err, sizeof(err));
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &was), 0);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_nonnull(strstr(err, "too large"));
	ck_assert_ptr_null(e.id);
	free(body);
	/* No temporary file, no new entry: only the one before. */
	made = names(dir);
	ck_assert_str_eq(made, "00000001");
	free(made);
	ck_assert_int_eq(outbox_list(dir, &entries, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 1);
	outbox_entries_free(entries, n);
}
END_TEST

START_TEST(unwritable_folder)
{
	struct outbox_entry e;
	char err[256], path[192], *made;
	FILE *f;

	/* A plain file where a folder should be: refused even for root. */
	snprintf(path, sizeof(path), "%s/state", top);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	memset(&e, 0, sizeof(e));
	e.what = (char[]){ "shift log" };
	e.queued_at = (char[]){ "2026-10-05T09:02:03+08:00" };
	e.method = (char[]){ "POST" };
	e.path = (char[]){ "/v1/shifts" };
	e.idempotency_key = (char[]){ "k" };
	e.body = (char[]){ "{}" };
	ck_assert_int_eq(outbox_add(dir, &e, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "Not a directory"));
	made = names(top);
	ck_assert_str_eq(made, "state");
	free(made);
	/* A missing field is refused before anything is written. */
	snprintf(dir, sizeof(dir), "%s/other", top);
	e.body = NULL;
	ck_assert_int_eq(outbox_add(dir, &e, err, sizeof(err)), -1);
	ck_assert_int_eq(access(dir, F_OK), -1);
}
END_TEST

START_TEST(strangers)
{
	struct outbox_entry *entries;
	char err[256], path[192];
	FILE *f;
	size_t n;

	add("{\"n\":1}");
	/* A temporary file of a write under way and other names are no
	 * entries. */
	snprintf(path, sizeof(path), "%s/.tmp-abcdef", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"half", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/README", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(outbox_list(dir, &entries, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 1);
	outbox_entries_free(entries, n);
	/* An entry that is not one stops the listing, naming the file. */
	snprintf(path, sizeof(path), "%s/00000005", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"what\":\"x\"}", f);
	fclose(f);
	ck_assert_int_eq(outbox_list(dir, &entries, &n, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "00000005"));
	ck_assert_ptr_null(entries);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(no_id_numbers)
{
	struct outbox_entry e, *entries, *failed;
	char err[256], sub[160], path[192], text[1024];
	FILE *f;
	size_t n, nf, len;

	ck_assert(outbox_has_id_number(
	    "{\"number\":\"V-1\",\"id_number\":\"110101199003077777\"}"));
	ck_assert(!outbox_has_id_number("{\"number\":\"V-1\"}"));
	ck_assert(!outbox_has_id_number("not json"));
	/* An entry with an ID number is refused, and nothing is written. */
	memset(&e, 0, sizeof(e));
	e.what = (char[]){ "volunteer add" };
	e.queued_at = (char[]){ "2026-10-05T09:02:03+08:00" };
	e.method = (char[]){ "POST" };
	e.path = (char[]){ "/v1/volunteers" };
	e.idempotency_key = (char[]){ "k" };
	e.body = (char[]){ "{\"number\":\"V-1\",\"name\":\"x\","
	    "\"id_number\":\"110101199003077777\"}" };
	ck_assert_int_eq(outbox_add(dir, &e, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "ID number"));
	ck_assert_int_eq(access(dir, F_OK), -1);
	/* One an older vpoints wrote loses it when it moves to failed/. */
	add("{}");
	snprintf(path, sizeof(path), "%s/00000002", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"what\":\"volunteer add\",\"queued_at\":\"2026-10-05T09:02:03"
	    "+08:00\",\"method\":\"POST\",\"path\":\"/v1/volunteers\","
	    "\"idempotency_key\":\"k\",\"body\":\"{\\\"number\\\":"
	    "\\\"V-1\\\",\\\"id_number\\\":\\\"110101199003077777\\\"}\"}", f);
	fclose(f);
	ck_assert_int_eq(outbox_list(dir, &entries, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_nonnull(strstr(entries[1].body, "110101199003077777"));
	ck_assert_int_eq(outbox_fail(dir, &entries[1], 409, "{}", err,
	    sizeof(err)), 0);
	outbox_entries_free(entries, n);
	snprintf(sub, sizeof(sub), "%s/%s", dir, OUTBOX_FAILED);
	ck_assert_int_eq(outbox_list(sub, &failed, &nf, err, sizeof(err)), 0);
	ck_assert_uint_eq(nf, 1);
	ck_assert_str_eq(failed[0].body, "{\"number\":\"V-1\"}");
	outbox_entries_free(failed, nf);
	snprintf(path, sizeof(path), "%s/00000002", sub);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	len = fread(text, 1, sizeof(text) - 1, f);
	text[len] = '\0';
	fclose(f);
	ck_assert_ptr_null(strstr(text, "7777"));
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("outbox", setup, teardown, UNIT_TESTS(write_and_read,
	    order_and_remove, failed_entries, modes, half_written,
	    unwritable_folder, strangers, no_id_numbers));
}
