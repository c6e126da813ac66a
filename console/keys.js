// The browser's station key: an Ed25519 pair made by Web Crypto, the
// private half not extractable, kept in IndexedDB (store.js). An admin
// enrols its public JWK with "vpoints station add --pubkey".

import * as store from './store.js';
import { thumbprint } from './sig.js';

// Whether this browser can make and use Ed25519 keys; a reason if not.
export async function support() {
	if (!window.isSecureContext || !crypto.subtle)
		return 'insecure';
	try {
		const k = await crypto.subtle.generateKey({ name: 'Ed25519' },
		    false, ['sign', 'verify']);
		await crypto.subtle.sign({ name: 'Ed25519' }, k.privateKey,
		    new Uint8Array(1));
		return null;
	} catch (e) {
		return 'no-ed25519';
	}
}

// The station key {privateKey, jwk, keyid}, or null before the first.
export async function load() {
	return (await store.get('keys', 'station')) || null;
}

// Make the key pair, keep it and return it; null, keeping nothing, when
// this browser has a key already (made meanwhile in another tab): a key
// may be enrolled, and its private half cannot be read, so it is never
// replaced.
export async function generate() {
	const pair = await crypto.subtle.generateKey({ name: 'Ed25519' },
	    false, ['sign', 'verify']);
	const full = await crypto.subtle.exportKey('jwk', pair.publicKey);
	const jwk = { kty: 'OKP', crv: 'Ed25519', x: full.x };
	const key = { privateKey: pair.privateKey, jwk,
	    keyid: await thumbprint(jwk), created: new Date().toISOString() };
	try {
		await store.add('keys', key, 'station');
	} catch (e) {
		if (e && e.name === 'ConstraintError')
			return null;
		throw e;
	}
	return key;
}

// Forget the key (a new one must be enrolled again).
export async function forget() {
	await store.del('keys', 'station');
}
