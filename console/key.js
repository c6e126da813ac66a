// The station key screen: whether this browser can sign at all, its key
// pair made on first use, the public JWK and RFC 7638 key id to enrol,
// and whether the daemon knows the key yet.

import * as api from './api.js';
import * as keys from './keys.js';
import { t } from './i18n.js';
import { h, fill, failed, notice } from './ui.js';

export async function show(main, ctx) {
	main.append(h('h2', null, t('Station key')));
	const why = await keys.support();
	if (why === 'insecure') {
		main.append(h('p', { class: 'error', id: 'unsupported' },
		    t('This page is not in a secure context, so the browser cannot sign. Open it as http://localhost or over HTTPS.')));
		return;
	}
	if (why === 'no-ed25519') {
		main.append(h('p', { class: 'error', id: 'unsupported' },
		    t('This browser cannot make Ed25519 signatures (Web Crypto), so it cannot be a station. Use a current Chrome, Edge, Firefox or Safari.')));
		return;
	}
	const body = h('div');
	main.append(body);
	const render = async () => {
		if (ctx.key === null) {
			fill(body, h('p', null, t('This browser has no station key yet. Make one, then ask an admin to enrol it.')),
			    h('button', { id: 'make-key', type: 'button', autofocus: true,
			    onclick: async () => {
				if (await keys.generate() === null)
					notice(t('This browser has a station key already, made in another tab: here it is. No new key was made.'), 'info');
				ctx.key = await keys.load();
				ctx.setKey(ctx.key);
				render();
			    } }, t('Make the station key')));
			return;
		}
		const jwk = JSON.stringify(ctx.key.jwk);
		fill(body,
		    h('p', null, t('The private key never leaves this browser. An admin enrols the public key:')),
		    h('h3', null, t('Key id (RFC 7638)')),
		    h('pre', { id: 'keyid' }, ctx.key.keyid),
		    h('h3', null, t('Public key (JWK)')),
		    h('pre', { id: 'jwk' }, jwk),
		    h('pre', { class: 'cmd' }, "vpoints station add --code S01 --community C01 --pubkey station.jwk"),
		    h('p', { id: 'enrolled' }, t('Checking whether the key is enrolled…')),
		    h('button', { type: 'button', onclick: async () => {
			if (!confirm(t('Forget this key? A new key must be enrolled again.')))
				return;
			// The writes kept in the outbox are this station's: sent
			// later under another key, they would be another
			// station's. They go with the key, when the clerk says so.
			const waiting = await api.outbox();
			if (waiting.length > 0 && !confirm(t('%{n} writes kept in the outbox wait to be sent under this key, and go with it. Forget the key and drop them?',
			    { n: waiting.length })))
				return;
			await api.dropOutbox();
			await keys.forget();
			ctx.setKey(null);
			ctx.key = null;
			render();
		    } }, t('Forget this key')));
		try {
			await api.get('/v1/activities');
			fill(document.getElementById('enrolled'),
			    t('The key is enrolled: this browser is a station.'));
			document.getElementById('enrolled').className = 'ok';
		} catch (e) {
			if (e instanceof api.Refusal && e.status === 401)
				fill(document.getElementById('enrolled'),
				    t('The daemon does not know this key yet.'));
			else
				failed(e);
		}
	};
	render();
}
