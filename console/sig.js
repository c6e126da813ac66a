// The vpoints profile of RFC 9421 HTTP Message Signatures, as
// common/sig.c has it (doc/design.md section 4): the covered components,
// the @signature-params value, the signature base, Content-Digest
// (RFC 9530) and RFC 7638 key ids. Web Crypto only; no clock and no
// network here (api.js sends).

export const LABEL = 'sig1';
export const ALG = 'ed25519';
export const TAG = 'vpoints';
export const EXPIRES = 60;	// seconds a signature is valid, as the client's

const enc = new TextEncoder();

// The components a vpoints signature covers, in the order the client
// lists them (sig_covered_components).
export function coveredComponents(hasBody, isWrite) {
	const c = ['@method', '@authority', '@path', '@query'];
	if (hasBody)
		c.push('content-type', 'content-digest');
	if (isWrite)
		c.push('idempotency-key');
	return c;
}

// An RFC 8941 String: printable ASCII, with \ and " escaped.
function sfString(s) {
	if (!/^[\x20-\x7e]*$/.test(s))
		throw new Error('not a structured-field string: ' + s);
	return '"' + s.replace(/[\\"]/g, '\\$&') + '"';
}

// The @signature-params value: the inner list of components and the
// parameters in sig_params_serialize's order.
export function serializeParams(components, p) {
	let s = '(' + components.map(sfString).join(' ') + ')';
	s += ';created=' + p.created;
	if (p.expires)
		s += ';expires=' + p.expires;
	for (const k of ['nonce', 'keyid', 'alg', 'tag']) {
		if (p[k] !== undefined && p[k] !== null)
			s += ';' + k + '=' + sfString(p[k]);
	}
	return s;
}

// A component's value (RFC 9421 sections 2.1, 2.2). req: method,
// authority, path, query (without "?"), headers by lowercase name.
function componentValue(req, name) {
	let v;
	switch (name) {
	case '@method':
		v = req.method;
		break;
	case '@authority':
		v = req.authority.toLowerCase();
		break;
	case '@path':
		v = req.path === '' ? '/' : req.path;
		break;
	case '@query':
		v = '?' + (req.query || '');
		break;
	default:
		if (name.startsWith('@'))
			throw new Error('unsupported component ' + name);
		v = req.headers[name];
		if (v === undefined || v === null)
			throw new Error('component absent: ' + name);
		v = String(v).replace(/^[ \t]+|[ \t]+$/g, '');
	}
	if (/[\x00-\x08\x0a-\x1f\x7f]/.test(v))
		throw new Error('control character in ' + name);
	return v;
}

// The signature base (RFC 9421 section 2.5), no final newline.
export function signatureBase(req, components, params) {
	const lines = components.map((c) =>
	    '"' + c + '": ' + componentValue(req, c));
	lines.push('"@signature-params": ' + params);
	return lines.join('\n');
}

// Standard base64 of bytes.
export function b64(bytes) {
	let s = '';
	for (const b of new Uint8Array(bytes))
		s += String.fromCharCode(b);
	return btoa(s);
}

// base64url without padding.
export function b64url(bytes) {
	return b64(bytes).replace(/\+/g, '-').replace(/\//g, '_')
	    .replace(/=+$/, '');
}

// Bytes of standard base64.
export function unb64(text) {
	const s = atob(text);
	const out = new Uint8Array(s.length);
	for (let i = 0; i < s.length; i++)
		out[i] = s.charCodeAt(i);
	return out;
}

// Content-Digest of the exact body bytes: sha-256=:<base64>:.
export async function contentDigest(bytes) {
	const d = await crypto.subtle.digest('SHA-256', bytes);
	return 'sha-256=:' + b64(d) + ':';
}

// The RFC 7638 thumbprint of an Ed25519 public JWK: the key id.
export async function thumbprint(jwk) {
	const canon = '{"crv":"Ed25519","kty":"OKP","x":"' + jwk.x + '"}';
	return b64url(await crypto.subtle.digest('SHA-256', enc.encode(canon)));
}

// A fresh nonce: 16 random bytes as 32 hex digits (sig_nonce_new).
export function newNonce() {
	const b = crypto.getRandomValues(new Uint8Array(16));
	return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// Sign a base with an Ed25519 private CryptoKey: the 64 signature bytes.
export async function signBase(privateKey, base) {
	return new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' },
	    privateKey, enc.encode(base)));
}

// Sign a request with the given components and parameters: the
// Signature-Input and Signature values (sig_sign_request), and the base.
export async function signRequest(privateKey, req, components, params) {
	const p = serializeParams(components, params);
	const base = signatureBase(req, components, p);
	const sig = await signBase(privateKey, base);
	return {
		base,
		signatureInput: LABEL + '=' + p,
		signature: LABEL + '=:' + b64(sig) + ':',
	};
}

// Sign a request as the vpoints profile wants it (sig_sign_profile):
// req.headers must already hold content-type, content-digest and
// idempotency-key where they apply.
export async function signProfile(privateKey, keyid, req, created,
    hasBody, isWrite) {
	return signRequest(privateKey, req, coveredComponents(hasBody, isWrite),
	    { created, expires: created + EXPIRES, nonce: newNonce(), keyid,
	    alg: ALG, tag: TAG });
}
