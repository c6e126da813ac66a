// The console's IndexedDB: the station key pair (keys) and the writes
// that got no answer (outbox). Nothing else of the ledger is kept here.

const DB = 'vpoints-console';
const VERSION = 1;
let opened = null;

// The database, opened once.
function db() {
	if (opened === null) {
		opened = new Promise((resolve, reject) => {
			const r = indexedDB.open(DB, VERSION);
			r.onupgradeneeded = () => {
				r.result.createObjectStore('keys');
				r.result.createObjectStore('outbox',
				    { keyPath: 'idem' });
			};
			r.onsuccess = () => resolve(r.result);
			r.onerror = () => reject(r.error);
		});
	}
	return opened;
}

// One request on a store, as a promise.
async function run(store, mode, fn) {
	const d = await db();
	return new Promise((resolve, reject) => {
		const tx = d.transaction(store, mode);
		const r = fn(tx.objectStore(store));
		tx.oncomplete = () => resolve(r.result);
		tx.onerror = (ev) => reject(ev.target.error || tx.error);
		tx.onabort = () => reject(tx.error);
	});
}

export const get = (store, key) => run(store, 'readonly', (s) => s.get(key));
export const all = (store) => run(store, 'readonly', (s) => s.getAll());
export const put = (store, value, key) =>
    run(store, 'readwrite', (s) => key === undefined ? s.put(value) :
    s.put(value, key));
// Add value under key; fails with a ConstraintError when the key is taken.
export const add = (store, value, key) =>
    run(store, 'readwrite', (s) => s.add(value, key));
export const del = (store, key) =>
    run(store, 'readwrite', (s) => s.delete(key));
