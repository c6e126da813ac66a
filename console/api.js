// The one module that signs and sends: every request to the API is
// signed with the station key by the RFC 9421 profile of sig.js, exactly
// as the command-line client signs (client/call.c). A write that gets no
// answer is kept in the outbox (IndexedDB) and sent again later under
// the same Idempotency-Key with the same body, so it is done once; one
// not kept keeps its Idempotency-Key for when the same write is sent
// again, so that the daemon answers what it did instead of doing it twice.

import * as sig from './sig.js';
import * as store from './store.js';

const enc = new TextEncoder();
let station = null;
// The API's place: where the console is, less "/console/...". Behind a
// proxy that serves vpointsd under a prefix (path_prefix), the page is at
// /prefix/console/ and signs /prefix/v1/..., the path as sent.
const prefix = location.pathname.replace(/\/console\/[^/]*$/, '');
const listeners = new Set();

// The key requests are signed with ({privateKey, keyid}).
export function useKey(key) {
	station = key;
}

// A refusal: the status and the RFC 9457 problem the daemon sent.
export class Refusal extends Error {
	constructor(status, problem) {
		super(problem.detail || problem.title || String(status));
		this.status = status;
		this.problem = problem;
	}
}

// No answer came (the daemon or the network is down, or the answer was
// lost on the way); for a write (write true), it may have been done.
export class NoAnswer extends Error {
	constructor(message, write = false) {
		super(message);
		this.write = write;
	}
}

// A write kept in the outbox, to be sent when the daemon answers again.
export class Queued extends Error {
	constructor(entry) {
		super('queued');
		this.entry = entry;
	}
}

// Percent-encode all but RFC 3986 unreserved characters, as the client's
// net_encode does, for a path segment or a query value.
export function encode(s) {
	return Array.from(enc.encode(String(s)), (b) => {
		const c = String.fromCharCode(b);
		return /[A-Za-z0-9._~-]/.test(c) ? c :
		    '%' + b.toString(16).toUpperCase().padStart(2, '0');
	}).join('');
}

// "a=1&b=2" of the defined values of an object.
export function query(params) {
	return Object.entries(params || {})
	    .filter(([, v]) => v !== undefined && v !== null && v !== '')
	    .map(([k, v]) => k + '=' + encode(v)).join('&');
}

// One signed exchange; the Response, or NoAnswer.
async function exchange(method, path, q, bodyText, idem, accept) {
	if (station === null)
		throw new Error('no station key');
	const bytes = bodyText === null ? null : enc.encode(bodyText);
	const headers = { accept };
	if (bytes !== null) {
		headers['content-type'] = 'application/json';
		headers['content-digest'] = await sig.contentDigest(bytes);
	}
	if (idem !== null)
		headers['idempotency-key'] = idem;
	const req = { method, authority: location.host, path: prefix + path,
	    query: q, headers };
	const created = Math.floor(Date.now() / 1000);
	const s = await sig.signProfile(station.privateKey, station.keyid, req,
	    created, bytes !== null, idem !== null);
	headers['signature-input'] = s.signatureInput;
	headers['signature'] = s.signature;
	try {
		return await fetch(prefix + path + (q ? '?' + q : ''), { method, headers,
		    body: bytes, cache: 'no-store', credentials: 'omit',
		    redirect: 'error' });
	} catch (e) {
		throw new NoAnswer(e.message);
	}
}

// The answer's body: JSON, text (CSV), or a Refusal thrown.
async function answer(resp, accept) {
	const text = await resp.text();
	if (resp.status >= 400) {
		let problem;
		try {
			problem = JSON.parse(text);
		} catch (e) {
			problem = { status: resp.status, title: text };
		}
		throw new Refusal(resp.status, problem);
	}
	return accept === 'application/json' ? JSON.parse(text) : text;
}

// A signed read: GET path?query, the parsed JSON (or text for accept).
export async function get(path, params, accept = 'application/json') {
	const resp = await exchange('GET', path, query(params), null, null,
	    accept);
	return answer(resp, accept);
}

// Tell listeners that the outbox changed.
function changed() {
	for (const fn of listeners)
		fn();
}

// Be told when the outbox changes.
export function onOutbox(fn) {
	listeners.add(fn);
}

// Writes that got no answer and were not kept, by the request (the key,
// method, path and body): the Idempotency-Key each was sent under, and
// when. The same request sent again within a quarter of an hour (the
// clerk told that it may have been done, sending it again to see) goes
// under the same key, so a write the daemon did while its answer was
// lost is answered from the daemon's record, not done a second time, as
// the client retries (client/call.c); the key is forgotten once the write
// has an answer that settles it, and a later write, even the same, is a
// new one (a second cup for the same volunteer). Kept in the page only:
// a body may hold a phone or an ID number, and no file of a station
// holds a trace of one.
const UNANSWERED_MS = 15 * 60 * 1000;
const unanswered = new Map();

// The request a write is, as unanswered knows it.
function request(method, path, bodyText) {
	if (station === null)
		throw new Error('no station key');
	return [station.keyid, method, prefix + path, bodyText].join('\n');
}

// The key of the unanswered write req still in time, or undefined.
function unansweredKey(req) {
	const k = unanswered.get(req);
	if (k !== undefined && !(Date.now() - k.at < UNANSWERED_MS)) {
		unanswered.delete(req);
		return undefined;
	}
	return k === undefined ? undefined : k.idem;
}

// Keep (idem) or forget (null) the key of an unanswered write; the
// quarter of an hour runs from its last unanswered sending.
function remember(req, idem) {
	if (idem === null)
		unanswered.delete(req);
	else
		unanswered.set(req, { idem, at: Date.now() });
}

// What an earlier console kept in localStorage (hashes of bodies, which
// gave a phone in them back) goes.
try {
	localStorage.removeItem('vpoints-console-unanswered');
} catch (e) {
	// no storage: nothing kept either
}

// A signed write (POST or PATCH) of body; what says, for people, what it
// was. With queue, a write that gets no answer at all goes to the
// outbox and Queued is thrown, by the rules of the client's outbox
// (client/offline.c): only registrations, paper records, check-ins and
// check-outs, whose times are in their bodies; never one with an ID
// number, which no station keeps; an answer, even 5xx, is an answer.
// Otherwise no answer throws NoAnswer, and the write's Idempotency-Key
// is kept for the same write sent again, until it has a final answer.
export async function write(method, path, body, what = '', queue = false) {
	const bodyText = JSON.stringify(body || {});
	const req = request(method, path, bodyText);
	const entry = { idem: unansweredKey(req) || crypto.randomUUID(),
	    method, path, body: bodyText, what, at: new Date().toISOString() };
	let resp;
	try {
		resp = await exchange(method, path, '', entry.body, entry.idem,
		    'application/json');
	} catch (e) {
		if (!(e instanceof NoAnswer))
			throw e;
		if (!queue || (body && body.id_number !== undefined)) {
			remember(req, entry.idem);
			throw new NoAnswer(e.message, true);
		}
		await store.put('outbox', entry);
		changed();
		throw new Queued(entry);
	}
	remember(req, (await settled(resp)) ? null : entry.idem);
	return answer(resp, 'application/json');
}

// Whether a kept write's answer settles it: not when there was none, nor
// a 5xx, 429 or 409 request-in-flight (try later), nor a 401 (the key or
// the clock: nothing later would pass until it is mended).
async function settled(resp) {
	if (resp === undefined || resp.status >= 500 || resp.status === 429 ||
	    resp.status === 401)
		return false;
	if (resp.status !== 409)
		return true;
	try {
		const p = await resp.clone().json();
		return p.type !== 'urn:vpoints:problem:request-in-flight';
	} catch (e) {
		return true;
	}
}

// How kept entries of a kind are decided when they are sent: fn(args)
// reads what it needs and returns the write {method, path, body, what}.
const deciders = new Map();

// Decide kept entries of kind with fn when they are sent.
export function decider(kind, fn) {
	deciders.set(kind, fn);
}

// Keep in the outbox a write that cannot be decided without an answer
// (a scan: a check-in, or the check-out of an open one), to be decided
// by the decider of kind from args when the daemon answers again; what
// says it for people. Throws Queued.
export async function keep(kind, args, what) {
	const entry = { idem: crypto.randomUUID(), kind, args, what,
	    at: new Date().toISOString() };
	await store.put('outbox', entry);
	changed();
	throw new Queued(entry);
}

// Whether a refusal is no final answer (try later): as settled() says.
function transient(e) {
	return e instanceof NoAnswer || (e instanceof Refusal &&
	    (e.status >= 500 || e.status === 429 || e.status === 401 ||
	    e.problem.type === 'urn:vpoints:problem:request-in-flight'));
}

// Decide a kept entry now that the daemon answers: the write it becomes
// is kept in its place, under its Idempotency-Key, before it is sent, so
// that a retry sends that write and never decides again. Queued while
// the decider gets no final answer; its refusal drops the entry.
async function decide(entry) {
	let w;
	try {
		w = await deciders.get(entry.kind)(entry.args);
	} catch (e) {
		if (transient(e))
			throw new Queued(entry);
		if (e instanceof Refusal) {
			await store.del('outbox', entry.idem);
			changed();
		}
		throw e;
	}
	delete entry.kind;
	Object.assign(entry, { method: w.method, path: w.path,
	    body: JSON.stringify(w.body), what: w.what });
	await store.put('outbox', entry);
	changed();
}

// Send a kept write again, signed afresh, same Idempotency-Key and body
// (a kept entry not decided yet decided first); Queued when it stays
// kept.
async function resend(entry) {
	if (entry.kind !== undefined)
		await decide(entry);
	let resp;
	try {
		resp = await exchange(entry.method, entry.path, '', entry.body,
		    entry.idem, 'application/json');
	} catch (e) {
		if (!(e instanceof NoAnswer))
			throw e;
	}
	if (!(await settled(resp)))
		throw new Queued(entry);
	await store.del('outbox', entry.idem);
	changed();
	return answer(resp, 'application/json');
}

// The writes waiting in the outbox, oldest first.
export async function outbox() {
	return (await store.all('outbox')).sort((a, b) =>
	    a.at < b.at ? -1 : a.at > b.at ? 1 : 0);
}

// Drop every write kept in the outbox (their key is forgotten: sent
// under another, they would be another station's).
export async function dropOutbox() {
	for (const entry of await store.all('outbox'))
		await store.del('outbox', entry.idem);
	changed();
}

let flushing = false;

// Send every waiting write again, in order; stop at the first that still
// gets no answer. Each result (answer or Refusal) goes to report. One
// flush at a time.
export async function flush(report) {
	if (flushing)
		return false;
	flushing = true;
	try {
		return await flushAll(report);
	} finally {
		flushing = false;
	}
}

async function flushAll(report) {
	for (const entry of await outbox()) {
		try {
			report(entry, await resend(entry), null);
		} catch (e) {
			if (e instanceof Queued)
				return false;
			if (e instanceof Refusal) {
				report(entry, null, e);
				continue;
			}
			throw e;
		}
	}
	return true;
}

// Now as RFC 3339 in the browser's offset, to the second.
export function now() {
	const d = new Date();
	const off = -d.getTimezoneOffset();
	const p = (n) => String(Math.trunc(Math.abs(n))).padStart(2, '0');
	return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' +
	    p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes()) +
	    ':' + p(d.getSeconds()) + (off >= 0 ? '+' : '-') + p(off / 60) +
	    ':' + p(off % 60);
}
