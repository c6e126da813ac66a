/* The wire protocol shared by vpointsd and vpoints: routes, headers,
 * media types, problem types and the client's exit codes. Written once,
 * here; both programs include it. */
#ifndef VPOINTS_WIRE_H
#define VPOINTS_WIRE_H

#define WIRE_DEFAULT_LISTEN	"127.0.0.1:8750"
#define WIRE_DEFAULT_SERVER	"http://127.0.0.1:8750"

/* What a path prefix (a server URL's path, vpointsd's path_prefix) may
 * hold: the bytes of a path that never need percent-encoding. */
#define WIRE_PREFIX_CHARS	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
				"0123456789-._~/"

/* Routes: common/routes.h. */

/* Headers. */
#define WIRE_HDR_CONTENT_TYPE	"Content-Type"
#define WIRE_HDR_CONTENT_DIGEST	"Content-Digest"
#define WIRE_HDR_SIGNATURE	"Signature"
#define WIRE_HDR_SIGNATURE_INPUT "Signature-Input"
#define WIRE_HDR_IDEMPOTENCY_KEY "Idempotency-Key"
#define WIRE_HDR_ALLOW		"Allow"
#define WIRE_HDR_RETRY_AFTER	"Retry-After"

/* An Idempotency-Key is 1 to WIRE_IDEM_KEY_MAX visible ASCII characters. */
#define WIRE_IDEM_KEY_MAX	255

/* Media types. */
#define WIRE_TYPE_JSON		"application/json"
#define WIRE_TYPE_PROBLEM	"application/problem+json"
#define WIRE_TYPE_CSV		"text/csv; charset=utf-8"

/* RFC 9457 problem types: a stable URN per kind of error. The C code
 * names every type it sends here; a refused signature's type is the
 * prefix and sig_refusal_slug() (common/sig.c); the SQL functions send
 * their own slugs (vp_problem, vp_refuse), of which the C code reads
 * WIRE_P_IN_FLIGHT. */
#define WIRE_PROBLEM_PREFIX	"urn:vpoints:problem:"
#define WIRE_PROBLEM(slug)	WIRE_PROBLEM_PREFIX slug
#define WIRE_P_BAD_REQUEST	WIRE_PROBLEM("bad-request")
#define WIRE_P_NOT_FOUND	WIRE_PROBLEM("not-found")
#define WIRE_P_METHOD		WIRE_PROBLEM("method-not-allowed")
#define WIRE_P_TOO_LARGE	WIRE_PROBLEM("body-too-large")
#define WIRE_P_HTTP_ERROR	WIRE_PROBLEM("http-error")
#define WIRE_P_DB_UNAVAILABLE	WIRE_PROBLEM("database-unavailable")
#define WIRE_P_OVERLOADED	WIRE_PROBLEM("overloaded")
#define WIRE_P_REQUEST_TIMEOUT	WIRE_PROBLEM("request-timeout")
#define WIRE_P_SHUTTING_DOWN	WIRE_PROBLEM("shutting-down")
#define WIRE_P_INTERNAL		WIRE_PROBLEM("internal-error")
#define WIRE_P_IDEM_KEY_MISSING	WIRE_PROBLEM("idempotency-key-missing")
#define WIRE_P_INVALID_JSON	WIRE_PROBLEM("invalid-json")
#define WIRE_P_INVALID_FIELD	WIRE_PROBLEM("invalid-field")
#define WIRE_P_INVALID_INPUT	WIRE_PROBLEM("invalid-input")
#define WIRE_P_CONFLICT		WIRE_PROBLEM("conflict")
#define WIRE_P_IN_FLIGHT	WIRE_PROBLEM("request-in-flight")

/* A volunteer's personal fields, members of a registration's or an
 * update's body: kept only with the volunteer's consent and erased when it
 * goes (vp_personal_fields in sql/functions/volunteers.sql, which
 * tests/e2e/sql.sh holds to this list). */
#define WIRE_PERSONAL_FIELDS	"gender", "birth_month", "phone", "skills", \
				"party_member"

/* Exit codes of vpoints (sysexits style; documented in vpoints --help). */
enum wire_exit {
	WIRE_EXIT_OK = 0,		/* success */
	WIRE_EXIT_FAILURE = 1,		/* the daemon refused the operation */
	WIRE_EXIT_USAGE = 64,		/* bad command line */
	WIRE_EXIT_DATAERR = 65,		/* bad input data */
	WIRE_EXIT_UNAVAILABLE = 69,	/* daemon or database unreachable */
	WIRE_EXIT_SOFTWARE = 70,	/* internal error in daemon or client */
	WIRE_EXIT_CANTCREAT = 73,	/* cannot write an output file */
	WIRE_EXIT_TEMPFAIL = 75,	/* try again later */
	WIRE_EXIT_NOPERM = 77,		/* signature rejected or not allowed */
	WIRE_EXIT_CONFIG = 78		/* bad configuration or key file */
};

#endif
