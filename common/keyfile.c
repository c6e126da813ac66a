#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "keyfile.h"
#include "sig.h"
#include "xmalloc.h"

#define KEYFILE_MAX		8192	/* bytes in any key file */
#define KEYFILE_B64_32		43	/* base64url, no padding, of 32 bytes */

/* DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the 32 key
 * bytes follow it. */
static const unsigned char keyfile_spki_prefix[12] = {
	0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
};

/* base64url without padding of 32 bytes into out (at least 44 bytes). */
void
keyfile_public_b64(const unsigned char *pk, char *out, size_t outlen)
{
	sodium_bin2base64(out, outlen, pk, SIG_PUBLICKEYBYTES,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* Decode exactly 32 bytes of base64url without padding. */
static int
keyfile_b64_32(const char *text, size_t len, unsigned char *out)
{
	size_t n;

	if (len != KEYFILE_B64_32)
		return -1;
	if (sodium_base642bin(out, 32, text, len, NULL, &n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || n != 32)
		return -1;
	return 0;
}

/* Read at most KEYFILE_MAX bytes of an open file into sodium_malloc
 * memory, NUL-terminated. */
static char *
keyfile_slurp(int fd, char *err, size_t errlen)
{
	char *buf = sodium_malloc(KEYFILE_MAX + 1);
	size_t len = 0;
	ssize_t n;

	if (buf == NULL)
		abort();
	while (len <= KEYFILE_MAX) {
		n = read(fd, buf + len, KEYFILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s", strerror(errno));
			sodium_free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > KEYFILE_MAX) {
		snprintf(err, errlen, "over %d bytes: not a key file",
		    KEYFILE_MAX);
		sodium_free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* Find "name value" among the lines of text; value ends at the line end. */
static int
keyfile_field(const char *text, const char *name, const char **value,
    size_t *len)
{
	size_t nlen = strlen(name);
	const char *line = text;

	while (line != NULL && *line != '\0') {
		if (strncmp(line, name, nlen) == 0 && line[nlen] == ' ') {
			*value = line + nlen + 1;
			*len = strcspn(*value, "\r\n");
			return 0;
		}
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return -1;
}

/* Write all of buf to a new file that must not exist yet. */
static int
keyfile_create(const char *path, mode_t mode, const char *buf, char *err,
    size_t errlen)
{
	size_t len = strlen(buf), off = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, errno == EEXIST ?
		    "exists already; a key file is never overwritten" :
		    strerror(errno));
		return -1;
	}
	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		off += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(path);
	return -1;
}

/* Make a new key pair: the secret in path (0600), the public in path.pub. */
int
keyfile_generate(const char *path, char *keyid, char *err, size_t errlen)
{
	unsigned char *sk = sodium_malloc(SIG_SECRETKEYBYTES);
	unsigned char pk[SIG_PUBLICKEYBYTES];
	char *text = sodium_malloc(256);
	char seed[KEYFILE_B64_32 + 1], pub[KEYFILE_B64_32 + 1];
	char *pubpath = NULL;
	int rc = -1;

	if (sk == NULL || text == NULL)
		abort();
	crypto_sign_keypair(pk, sk);
	sig_keyid(pk, keyid);
	/* The seed is the first half of libsodium's secret key. */
	sodium_bin2base64(seed, sizeof(seed), sk, 32,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	keyfile_public_b64(pk, pub, sizeof(pub));
	pubpath = xasprintf("%s.pub", path);
	if (access(pubpath, F_OK) == 0) {
		snprintf(err, errlen, "%s: exists already; a key file is never "
		    "overwritten", pubpath);
		goto done;
	}
	snprintf(text, 256, "%s\nkeyid %s\nseed %s\n", KEYFILE_SECRET_MAGIC,
	    keyid, seed);
	if (keyfile_create(path, 0600, text, err, errlen) != 0)
		goto done;
	snprintf(text, 256, "%s\nkeyid %s\npublic %s\n", KEYFILE_PUBLIC_MAGIC,
	    keyid, pub);
	if (keyfile_create(pubpath, 0644, text, err, errlen) != 0) {
		unlink(path);
		goto done;
	}
	rc = 0;
done:
	sodium_memzero(seed, sizeof(seed));
	sodium_free(text);
	sodium_free(sk);
	free(pubpath);
	return rc;
}

/* Load a secret key file; refuses one that group or others may read. */
struct keyfile_secret *
keyfile_read_secret(const char *path, char *err, size_t errlen)
{
	struct keyfile_secret *key = NULL;
	unsigned char seed[32];
	char *text = NULL, why[128];
	const char *v;
	struct stat st;
	size_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen, "%s: readable by group or others (mode "
		    "%03o); run chmod 600 %s", path,
		    (unsigned)(st.st_mode & 0777), path);
		goto fail;
	}
	if ((text = keyfile_slurp(fd, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto fail;
	}
	if (strncmp(text, KEYFILE_SECRET_MAGIC "\n",
	    strlen(KEYFILE_SECRET_MAGIC) + 1) != 0 ||
	    keyfile_field(text, "seed", &v, &len) != 0 ||
	    keyfile_b64_32(v, len, seed) != 0) {
		snprintf(err, errlen, "%s: not a vpoints secret key file (%s)",
		    path, KEYFILE_SECRET_MAGIC);
		goto fail;
	}
	key = sodium_malloc(sizeof(*key));
	if (key == NULL)
		abort();
	crypto_sign_seed_keypair(key->pk, key->sk, seed);
	sig_keyid(key->pk, key->keyid);
	if (keyfile_field(text, "keyid", &v, &len) == 0 &&
	    (len != strlen(key->keyid) || memcmp(v, key->keyid, len) != 0)) {
		snprintf(err, errlen, "%s: the keyid line does not match the "
		    "key: the file is damaged", path);
		goto fail;
	}
	sodium_memzero(seed, sizeof(seed));
	sodium_free(text);
	close(fd);
	return key;
fail:
	sodium_memzero(seed, sizeof(seed));
	if (key != NULL)
		sodium_free(key);
	if (text != NULL)
		sodium_free(text);
	close(fd);
	return NULL;
}

/* Wipe and free a secret key. */
void
keyfile_secret_free(struct keyfile_secret *key)
{
	if (key != NULL)
		sodium_free(key);
}

/* Read a PEM SubjectPublicKeyInfo of an Ed25519 key. */
static int
keyfile_parse_pem(const char *text, unsigned char *pk)
{
	static const char begin[] = "-----BEGIN PUBLIC KEY-----";
	static const char end[] = "-----END PUBLIC KEY-----";
	unsigned char der[64];
	const char *b, *e;
	size_t n;

	if ((b = strstr(text, begin)) == NULL ||
	    (e = strstr(b, end)) == NULL)
		return -1;
	b += strlen(begin);
	if (sodium_base642bin(der, sizeof(der), b, (size_t)(e - b), " \t\r\n",
	    &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != sizeof(keyfile_spki_prefix) + 32 ||
	    memcmp(der, keyfile_spki_prefix, sizeof(keyfile_spki_prefix)) != 0)
		return -1;
	memcpy(pk, der + sizeof(keyfile_spki_prefix), 32);
	return 0;
}

/* A string member of a JSON object, or "". */
static const char *
keyfile_member(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

/*
 * An Ed25519 public key as JSON: an RFC 8037 JWK ({"kty":"OKP",
 * "crv":"Ed25519","x"}, as a browser's WebCrypto exports it), or the
 * daemon's {"keyid","jwk":{...}}. A "kid" or "keyid" must be the key's
 * RFC 7638 thumbprint, the one name vpoints knows a key by; a JWK with
 * its private part ("d") is refused, lest it be sent or published.
 */
static int
keyfile_parse_jwk(const char *text, unsigned char *pk, char *err,
    size_t errlen)
{
	char thumbprint[SIG_KEYID_LEN + 1];
	json_t *doc, *jwk, *given;
	const char *x, *name;
	int rc = -1;

	if ((doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    !json_is_object(doc)) {
		snprintf(err, errlen, "not valid JSON");
		goto done;
	}
	if ((jwk = json_object_get(doc, "jwk")) == NULL)
		jwk = doc;
	x = keyfile_member(jwk, "x");
	if (strcmp(keyfile_member(jwk, "kty"), "OKP") != 0 ||
	    strcmp(keyfile_member(jwk, "crv"), "Ed25519") != 0) {
		snprintf(err, errlen, "not an Ed25519 JWK (kty OKP, crv "
		    "Ed25519)");
		goto done;
	}
	if (json_object_get(jwk, "d") != NULL) {
		snprintf(err, errlen, "the JWK holds the private key (\"d\"): "
		    "give the public key only");
		goto done;
	}
	if (keyfile_b64_32(x, strlen(x), pk) != 0) {
		snprintf(err, errlen, "the JWK's x is not base64url of 32 "
		    "bytes");
		goto done;
	}
	sig_keyid(pk, thumbprint);
	name = "keyid";
	if ((given = json_object_get(doc, name)) == NULL)
		given = json_object_get(jwk, name = "kid");
	if (given != NULL && (!json_is_string(given) ||
	    strcmp(json_string_value(given), thumbprint) != 0)) {
		snprintf(err, errlen, "%s %.60s is not the key's thumbprint "
		    "%s", name, json_is_string(given) ?
		    json_string_value(given) : "(not a string)", thumbprint);
		goto done;
	}
	rc = 0;
done:
	json_decref(doc);
	return rc;
}

/* A public key from text: our format, PEM, a JWK (or the daemon's JSON
 * of its key), or bare base64url. */
int
keyfile_parse_public(const char *text, unsigned char *pk, char *err,
    size_t errlen)
{
	const char *v;
	size_t len;

	if (text[strspn(text, " \t\r\n")] == '{')
		return keyfile_parse_jwk(text, pk, err, errlen);
	if (strncmp(text, KEYFILE_PUBLIC_MAGIC "\n",
	    strlen(KEYFILE_PUBLIC_MAGIC) + 1) == 0) {
		if (keyfile_field(text, "public", &v, &len) == 0 &&
		    keyfile_b64_32(v, len, pk) == 0)
			return 0;
	} else if (strstr(text, "-----BEGIN PUBLIC KEY-----") != NULL) {
		if (keyfile_parse_pem(text, pk) == 0)
			return 0;
		snprintf(err, errlen, "not an Ed25519 public key in PEM");
		return -1;
	} else {
		len = strcspn(text, "\r\n");
		if (text[len + strspn(text + len, "\r\n")] == '\0' &&
		    keyfile_b64_32(text, len, pk) == 0)
			return 0;
	}
	snprintf(err, errlen, "not a public key (vpoints format, PEM, JWK, "
	    "or base64url of 32 bytes)");
	return -1;
}

/* Load a public key file in any accepted form. */
int
keyfile_read_public(const char *path, unsigned char *pk, char *err,
    size_t errlen)
{
	char *text, why[128];
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	text = keyfile_slurp(fd, why, sizeof(why));
	close(fd);
	if (text == NULL) {
		snprintf(err, errlen, "%s: %s", path, why);
		return -1;
	}
	rc = keyfile_parse_public(text, pk, why, sizeof(why));
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, why);
	sodium_free(text);
	return rc;
}
