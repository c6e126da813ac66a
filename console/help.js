// Points for help: the board of open and accepted requests; request,
// accept, complete, cancel.

import * as api from './api.js';
import { t, N_, word } from './i18n.js';
import { h, fill, notice, failed, form, table, when } from './ui.js';

export async function show(main) {
	const list = h('div', { id: 'help-board' });
	const render = async () => {
		let rows = [];
		try {
			for (const status of ['open', 'accepted'])
				rows = rows.concat((await api.get('/v1/help-requests', { status })).help_requests || []);
		} catch (e) {
			return failed(e);
		}
		const act = (r, verb, body, what) => async () => {
			const b = body();
			try {
				await api.write('POST', '/v1/help-requests/' + api.encode(r.id) + '/' + verb, b, what);
				notice(t('Help request %{id}: %{status}.', { id: r.id, status: word(verb) }), 'ok');
			} catch (e) {
				// Accepting and completing are about the helper.
				failed(e, { volunteer: b.helper || r.helper || r.requester,
				    points: r.points });
			}
			render();
		};
		const ask = (label) => () => prompt(t(label)) || '';
		fill(list, rows.length === 0 ? h('p', { class: 'muted' }, t('No open requests.')) :
		    table([
			{ label: N_('Id'), value: (r) => r.id },
			{ label: N_('Requester'), value: (r) => r.requester },
			{ label: N_('Points'), value: (r) => r.points, num: true },
			{ label: N_('What is needed'), value: (r) => r.description },
			{ label: N_('Status'), value: (r) => word(r.status) },
			{ label: N_('Helper'), value: (r) => r.helper || '' },
			{ label: '', value: (r) => [
			    r.status === 'open' ? h('button', { type: 'button', onclick: async () => {
				const helper = ask(N_('Number of the helper'))();
				if (helper !== '')
					await act(r, 'accept', () => ({ helper }), t('Accept help %{id}', { id: r.id }))();
			    } }, t('Accept')) : null,
			    r.status === 'accepted' ? h('button', { type: 'button', onclick: async () => {
				const minutes = Number(ask(N_('Minutes of service'))());
				if (minutes > 0)
					await act(r, 'complete', () => ({ minutes }), t('Complete help %{id}', { id: r.id }))();
			    } }, t('Complete')) : null,
			    h('button', { type: 'button', onclick: async () => {
				const reason = ask(N_('Reason'))();
				if (reason !== '')
					await act(r, 'cancel', () => ({ reason }), t('Cancel help %{id}', { id: r.id }))();
			    } }, t('Cancel')),
			] },
		    ], rows));
	};
	main.append(h('h2', null, t('Points for help')), list,
	    h('h3', null, t('Ask for help')),
	    form({ id: 'help-new', class: 'grid' }, async (f) => {
		const v = (n) => f.elements[n].value.trim();
		try {
			const r = await api.write('POST', '/v1/help-requests', {
			    requester: v('requester'), points: Number(v('points')),
			    description: v('description') },
			    t('Help for %{volunteer}', { volunteer: v('requester') }));
			notice(t('Help request %{id} is open.', { id: r.id }), 'ok');
			f.reset();
		} catch (e) {
			failed(e, { volunteer: v('requester'), points: v('points') });
		}
		render();
	    },
		h('label', { for: 'h-requester' }, t('Requester')),
		h('input', { id: 'h-requester', name: 'requester', required: true, autofocus: true }),
		h('label', { for: 'h-points' }, t('Points offered')),
		h('input', { id: 'h-points', name: 'points', type: 'number', min: 1, required: true }),
		h('label', { for: 'h-description' }, t('What is needed')),
		h('input', { id: 'h-description', name: 'description', required: true }),
		h('span'), h('button', null, t('Ask for help'))));
	await render();
}
