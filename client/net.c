#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "client/i18n.h"
#include "client/net.h"
#include "buf.h"
#include "wire.h"
#include "xmalloc.h"

/* One server and the easy handle whose connection the exchanges share. */
struct net {
	CURL		*curl;
	char		*origin;	/* scheme://host[:port], as connected to */
	char		*authority;	/* Host and the signed @authority */
	char		*prefix;	/* "" or "/vpoints": before every path */
	bool		 https;
	const char	*server;	/* as the settings gave it */
	char		*cacert;
	char		*pin;
	char		*proxy;
	long		 connect_timeout;
	long		 timeout;
	char		 curl_error[CURL_ERROR_SIZE];
};

/* True for a host that is this machine: localhost, 127.0.0.0/8, [::1]. */
static bool
net_loopback(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;
	char inner[64];
	size_t len = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (len > 2 && len < sizeof(inner) + 2 && host[0] == '[' &&
	    host[len - 1] == ']') {
		memcpy(inner, host + 1, len - 2);
		inner[len - 2] = '\0';
		return inet_pton(AF_INET6, inner, &a6) == 1 &&
		    IN6_IS_ADDR_LOOPBACK(&a6);
	}
	return false;
}

/* The path of the server URL as a prefix: "/" is "", "/vpoints/" is
 * "/vpoints"; NULL when it holds more than letters, digits, "-._~/". */
static char *
net_prefix_of(const char *path)
{
	size_t len;

	if (path == NULL || *path == '\0')
		return xstrdup("");
	if (path[0] != '/' || strspn(path, WIRE_PREFIX_CHARS) != strlen(path) ||
	    strstr(path, "//") != NULL)
		return NULL;
	len = strlen(path);
	while (len > 0 && path[len - 1] == '/')
		len--;
	return xasprintf("%.*s", (int)len, path);
}

/* Take the server URL apart into origin, authority and prefix; -1 with
 * err when it is not http[s]://HOST[:PORT][/PREFIX/]. */
static int
net_parse(struct net *n, const char *server, bool insecure_http, char *err,
    size_t errlen)
{
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL,
	    *extra = NULL;
	CURLU *u = curl_url();
	long default_port;
	int rc = -1;

	if (u == NULL)
		abort();
	if (curl_url_set(u, CURLUPART_URL, server, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) ||
	    curl_url_get(u, CURLUPART_USER, &extra, 0) != CURLUE_NO_USER ||
	    curl_url_get(u, CURLUPART_QUERY, &extra, 0) != CURLUE_NO_QUERY ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &extra, 0) !=
	    CURLUE_NO_FRAGMENT) {
		snprintf(err, errlen, _("server \"%s\" is not "
		    "https://HOST[:PORT][/PREFIX/] or http://HOST[:PORT]"),
		    server);
		goto done;
	}
	curl_url_get(u, CURLUPART_PATH, &path, 0);
	if ((n->prefix = net_prefix_of(path)) == NULL) {
		snprintf(err, errlen, _("server \"%s\": the path may hold only "
		    "letters, digits and \"-._~/\""), server);
		goto done;
	}
	n->https = strcmp(scheme, "https") == 0;
	if (!n->https && !insecure_http && !net_loopback(host)) {
		snprintf(err, errlen, _("server \"%s\": plain http:// would send "
		    "names and phone numbers in clear; use https://, or set "
		    "insecure_http = yes in the config file to allow it"),
		    server);
		goto done;
	}
	default_port = n->https ? 443 : 80;
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK &&
	    strtol(port, NULL, 10) != default_port) {
		n->origin = xasprintf("%s://%s:%s", scheme, host, port);
		n->authority = xasprintf("%s:%s", host, port);
	} else {
		n->origin = xasprintf("%s://%s", scheme, host);
		n->authority = xstrdup(host);
	}
	rc = 0;
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(extra);
	curl_url_cleanup(u);
	return rc;
}

/* Check the TLS settings before anything is sent: -1 with err. */
static int
net_check_tls(const struct net *n, const struct net_options *o, char *err,
    size_t errlen)
{
	const char *p;

	if (o->cacert != NULL && access(o->cacert, R_OK) != 0) {
		snprintf(err, errlen, _("cacert = %s: cannot read the file"),
		    o->cacert);
		return -1;
	}
	if (o->pin == NULL)
		return 0;
	if (!n->https) {
		snprintf(err, errlen, _("pin = is set but server %s is not "
		    "https://: a pin needs TLS"), n->server);
		return -1;
	}
	for (p = o->pin; *p != '\0'; p += strcspn(p, ";")) {
		if (*p == ';')
			p++;
		if (strncmp(p, "sha256//", 8) != 0) {
			snprintf(err, errlen, _("pin = %s: want sha256//BASE64, "
			    "several separated by ;"), o->pin);
			return -1;
		}
	}
	return 0;
}

/* Prepare exchanges with o->server; NULL with err when a setting is
 * wrong (nothing was sent). */
struct net *
net_open(const struct net_options *o, char *err, size_t errlen)
{
	static bool started;
	struct net *n;

	if (!started) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			abort();
		started = true;
	}
	n = xcalloc(1, sizeof(*n));
	n->server = o->server;
	if (net_parse(n, o->server, o->insecure_http, err, errlen) != 0 ||
	    net_check_tls(n, o, err, errlen) != 0) {
		net_close(n);
		return NULL;
	}
	n->cacert = o->cacert != NULL ? xstrdup(o->cacert) : NULL;
	n->pin = o->pin != NULL ? xstrdup(o->pin) : NULL;
	n->proxy = o->proxy != NULL ? xstrdup(o->proxy) : NULL;
	n->timeout = o->timeout;
	n->connect_timeout = o->connect_timeout < o->timeout ?
	    o->connect_timeout : o->timeout;
	if ((n->curl = curl_easy_init()) == NULL)
		abort();
	return n;
}

/* Close the connection and free n. */
void
net_close(struct net *n)
{
	if (n == NULL)
		return;
	if (n->curl != NULL)
		curl_easy_cleanup(n->curl);
	free(n->origin);
	free(n->authority);
	free(n->prefix);
	free(n->cacert);
	free(n->pin);
	free(n->proxy);
	free(n);
}

/* "host[:port]" as the Host header and @authority carry it: the port only
 * when it is not the scheme's own; an IPv6 address in brackets. */
const char *
net_authority(const struct net *n)
{
	return n->authority;
}

/* The server URL's path before every API path: "" or "/vpoints". */
const char *
net_prefix(const struct net *n)
{
	return n->prefix;
}

/* libcurl's write callback: append the answer's bytes. */
static size_t
net_write(char *data, size_t size, size_t nmemb, void *arg)
{
	buf_add(arg, data, size * nmemb);
	return size * nmemb;
}

/* Set the options of one exchange on the (reset) handle. */
static void
net_setopt(struct net *n, const char *url, const char *method,
    struct curl_slist *headers, const char *body, size_t len,
    struct buf *answer)
{
	CURL *c = n->curl;

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, n->curl_error);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "vpoints/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, net_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, answer);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, n->connect_timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, n->timeout);
	/* Verification stays on: no setting turns it off. */
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (n->cacert != NULL) {
		/* The CA given replaces the system's, folder included. */
		curl_easy_setopt(c, CURLOPT_CAINFO, n->cacert);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	}
	if (n->pin != NULL)
		curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, n->pin);
	if (n->proxy != NULL)
		curl_easy_setopt(c, CURLOPT_PROXY,
		    strcmp(n->proxy, "none") == 0 ? "" : n->proxy);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	if (strcmp(method, "GET") == 0 && body == NULL)
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	else
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
}

/* Say why the server's certificate was refused, and sort the failure. */
static void
net_untrusted(struct net *n, CURLcode rc, struct net_response *resp)
{
	long verify = 0;

	resp->failure = NET_UNTRUSTED;
	if (rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH) {
		snprintf(resp->error, sizeof(resp->error), _("the public key "
		    "of %s is not the one pin = names in the config file; "
		    "refused (someone may be in between, or the server's key "
		    "changed)"), n->server);
		return;
	}
	/*
	 * Which check failed, by OpenSSL's verify result: libcurl checks the
	 * name itself once the chain verified, and marks a mismatch as
	 * unspecified (1) or an application's error (50); OpenSSL's own name
	 * checks say 62 (host) or 64 (IP address). The chain's failures
	 * (unknown issuer 20, expired 10 ...) are the others.
	 */
	curl_easy_getinfo(n->curl, CURLINFO_SSL_VERIFYRESULT, &verify);
	if (verify == 0 || verify == 1 || verify == 50 || verify == 62 ||
	    verify == 64)
		snprintf(resp->error, sizeof(resp->error), _("the certificate "
		    "of %s is not for the host name in the server URL; "
		    "refused (%s)"), n->server, n->curl_error);
	else
		snprintf(resp->error, sizeof(resp->error), _("the certificate "
		    "of %s is not signed by a CA this station trusts; refused "
		    "(%s); give its CA with --cacert FILE or cacert = in the "
		    "config file"), n->server, n->curl_error);
}

/* Sort a failed exchange: what libcurl said, in resp. */
static void
net_failed(struct net *n, CURLcode rc, struct net_response *resp)
{
	const char *why = n->curl_error[0] != '\0' ? n->curl_error :
	    curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_OUT_OF_MEMORY:
		abort();
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		net_untrusted(n, rc, resp);
		return;
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_UNKNOWN_OPTION:
	case CURLE_BAD_FUNCTION_ARGUMENT:
		resp->failure = NET_BAD_SETTING;
		snprintf(resp->error, sizeof(resp->error), _("cannot talk to "
		    "%s as configured: %s"), n->server, why);
		return;
	default:
		resp->failure = NET_UNREACHABLE;
		snprintf(resp->error, sizeof(resp->error), _("vpointsd at %s "
		    "did not answer: %s"), n->server, why);
		return;
	}
}

/* True for an answer that a proxy in front of vpointsd made because it
 * could not reach it (502, 504 without vpointsd's problem+json): the
 * daemon is as unreachable as without the proxy. */
static bool
net_gateway_failed(const struct net_response *resp)
{
	return (resp->status == 502 || resp->status == 504) &&
	    (resp->content_type == NULL || strncmp(resp->content_type,
	    WIRE_TYPE_PROBLEM, strlen(WIRE_TYPE_PROBLEM)) != 0);
}

/* Send one request for path (without the prefix) and query (NULL or
 * without "?") and wait for its answer. Returns 0 when an answer came
 * (whatever its status), -1 with resp->failure and resp->error
 * otherwise. */
int
net_request(struct net *n, const char *method, const char *path,
    const char *query, const struct net_header *headers, size_t nheaders,
    const char *body, size_t len, struct net_response *resp)
{
	struct curl_slist *list = NULL, *more;
	struct buf answer = { NULL, 0, 0 };
	char *url, *line, *ct = NULL;
	CURLcode rc;
	long status = 0;
	size_t i;

	memset(resp, 0, sizeof(*resp));
	n->curl_error[0] = '\0';
	url = xasprintf("%s%s%s%s%s", n->origin, n->prefix, path,
	    query != NULL && *query != '\0' ? "?" : "",
	    query != NULL ? query : "");
	line = xasprintf("Host: %s", n->authority);
	list = curl_slist_append(list, line);
	free(line);
	/* Bodies are small: no round trip for 100-continue. */
	list = curl_slist_append(list, "Expect:");
	for (i = 0; i < nheaders && list != NULL; i++) {
		line = xasprintf("%s: %s", headers[i].name, headers[i].value);
		if ((more = curl_slist_append(list, line)) == NULL)
			abort();
		list = more;
		free(line);
	}
	if (list == NULL)
		abort();
	net_setopt(n, url, method, list, body, len, &answer);
	rc = curl_easy_perform(n->curl);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(n->curl, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_getinfo(n->curl, CURLINFO_CONTENT_TYPE, &ct);
		resp->status = (int)status;
		resp->content_type = ct != NULL ? xstrdup(ct) : NULL;
		resp->len = answer.len;
		resp->body = answer.data != NULL ? answer.data : xstrdup("");
		answer.data = NULL;
		if (net_gateway_failed(resp)) {
			status = resp->status;
			net_response_clear(resp);
			resp->failure = NET_UNREACHABLE;
			snprintf(resp->error, sizeof(resp->error), _("vpointsd "
			    "at %s did not answer: the proxy in front of it "
			    "answered %ld"), n->server, status);
		}
	} else {
		net_failed(n, rc, resp);
	}
	free(answer.data);
	curl_slist_free_all(list);
	free(url);
	return resp->status != 0 ? 0 : -1;
}

/* Free what a response holds. */
void
net_response_clear(struct net_response *resp)
{
	free(resp->content_type);
	free(resp->body);
	memset(resp, 0, sizeof(*resp));
}

/* The exit code of an exchange that got no answer (wire.h). */
int
net_exit_code(const struct net_response *resp)
{
	switch (resp->failure) {
	case NET_UNREACHABLE:
		return WIRE_EXIT_UNAVAILABLE;
	case NET_UNTRUSTED:
		return WIRE_EXIT_NOPERM;
	case NET_BAD_SETTING:
		return WIRE_EXIT_CONFIG;
	case NET_ANSWERED:
	default:
		abort();
	}
}

/* s percent-encoded for a path segment or a query value: every byte but
 * letters, digits and "-._~" as %XX. */
char *
net_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL) {
			*o++ = (char)*p;
			continue;
		}
		*o++ = '%';
		*o++ = hex[*p >> 4];
		*o++ = hex[*p & 15];
	}
	*o = '\0';
	return out;
}

/* Append "name=value" to a query string, percent-encoded; nothing when
 * value is NULL. */
void
net_query_add(struct buf *query, const char *name, const char *value)
{
	char *encoded;

	if (value == NULL)
		return;
	if (query->len > 0)
		buf_puts(query, "&");
	buf_puts(query, name);
	buf_puts(query, "=");
	encoded = net_encode(value);
	buf_puts(query, encoded);
	free(encoded);
}
