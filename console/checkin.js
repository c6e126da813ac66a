// The check-in board: scan (or type) a volunteer's number and press
// Enter: an open check-in is checked out, otherwise one is opened. The
// board lists the open check-ins of the station's community (every desk
// sees them all), each checked out with one button; a paper record is
// logged below.

import * as api from './api.js';
import { t, N_ } from './i18n.js';
import { h, fill, notice, failed, form, table, when, hours } from './ui.js';

// The open check-ins of the station's community, oldest first.
async function board() {
	return (await api.get('/v1/checkins')).checkins || [];
}

// The activities to choose from.
async function activities() {
	return (await api.get('/v1/activities')).activities || [];
}

// Check out an open check-in; the closed shift.
async function checkout(row) {
	const shift = await api.write('POST', '/v1/shifts/' +
	    api.encode(row.id) + '/checkout', { ended_at: api.now() },
	    t('Check out %{volunteer}', { volunteer: row.volunteer }), true);
	notice(t('%{volunteer} checked out: %{minutes} minutes, %{points} points.',
	    { volunteer: row.volunteer, minutes: shift.minutes,
	    points: shift.points }), 'ok');
	return shift;
}

// What a scan kept without an answer becomes when it is sent: the
// check-out of the volunteer's open check-in with the scan's time as its
// end, or else a check-in at that time (api.keep, api.decider).
async function decideScan({ volunteer, activity, at }) {
	const open = (await api.get('/v1/shifts', { volunteer, limit: 1 })).open || [];
	if (open.length > 0)
		return { method: 'POST', path: '/v1/shifts/' +
		    api.encode(open[0].id) + '/checkout', body: { ended_at: at },
		    what: t('Check out %{volunteer}', { volunteer }) };
	return { method: 'POST', path: '/v1/shifts/checkin',
	    body: { volunteer, activity, started_at: at },
	    what: t('Check in %{volunteer}', { volunteer }) };
}

api.decider('scan', decideScan);

// One scan: check in, or out when the volunteer has a check-in open.
// With the daemon out of reach before the page knows which, the scan is
// kept with its time and decided when it is sent; after, the check-in
// or check-out is kept (its refusal, if any, is said when it is sent).
async function scanned(number, activity) {
	const started_at = api.now();
	let v = { name: '' };
	try {
		const open = (await api.get('/v1/shifts', { volunteer: number, limit: 1 })).open || [];
		if (open.length > 0) {
			await checkout({ id: open[0].id, volunteer: number });
			return;
		}
	} catch (e) {
		if (!(e instanceof api.NoAnswer))
			throw e;
		await api.keep('scan', { volunteer: number, activity,
		    at: started_at }, t('Check in or out %{volunteer}',
		    { volunteer: number }));
	}
	try {
		v = await api.get('/v1/volunteers/' + api.encode(number));
	} catch (e) {
		if (!(e instanceof api.NoAnswer))
			throw e;
	}
	await api.write('POST', '/v1/shifts/checkin',
	    { volunteer: number, activity, started_at },
	    t('Check in %{volunteer}', { volunteer: number }), true);
	notice(t('%{name} (%{volunteer}) checked in.', { name: v.name,
	    volunteer: number }), 'ok');
}

export async function show(main, ctx) {
	const acts = await activities();
	const select = h('select', { id: 'activity' }, acts.map((a) =>
	    h('option', { value: a.code }, a.name + ' (' + a.code + ')')));
	const list = h('div', { id: 'board' });
	const scan = h('input', { id: 'scan', autofocus: true, autocomplete: 'off',
	    inputmode: 'text', placeholder: t('Scan a card or type a number, then Enter') });
	const render = async () => {
		let rows;
		try {
			rows = await board();
		} catch (e) {
			if (e instanceof api.NoAnswer)
				return;
			return failed(e);
		}
		fill(list, rows.length === 0 ? h('p', { class: 'muted' },
		    t('No open check-ins.')) :
		    table([
			{ label: N_('Number'), value: (r) => r.volunteer },
			{ label: N_('Name'), value: (r) => r.name },
			{ label: N_('Activity'), value: (r) => r.activity },
			{ label: N_('Since'), value: (r) => when(r.started_at) },
			{ label: '', value: (r) => h('button', { type: 'button',
			    class: 'checkout', 'data-volunteer': r.volunteer,
			    onclick: async () => {
				try {
					await checkout(r);
				} catch (e) {
					failed(e, { volunteer: r.volunteer });
				}
				await render();
				scan.focus();
			    } }, t('Check out')) },
		    ], rows, { class: 'board' }));
	};
	main.append(h('h2', null, t('Check-in board')),
	    form({ id: 'scan-form', class: 'scanbar' }, async () => {
		const number = scan.value.trim();
		scan.value = '';
		if (number === '')
			return;
		// Writes kept before this scan go first: a kept scan decides
		// whether this one checks in or out.
		if ((await api.outbox()).length > 0)
			await ctx.send();
		try {
			await scanned(number, select.value);
		} catch (e) {
			failed(e, { volunteer: number });
		}
		await render();
		scan.focus();
	    }, h('label', { for: 'activity' }, t('Activity')), select,
		h('label', { for: 'scan' }, t('Volunteer')), scan,
		h('button', null, t('Check in / out'))),
	    h('h3', null, t('Open check-ins')), list,
	    paper(acts));
	await render();
}

// The form of a paper record: a completed shift entered afterwards.
function paper(acts) {
	const out = h('p');
	const f = form({ id: 'paper', class: 'grid' }, async (el) => {
		const v = (n) => el.elements[n].value.trim();
		const local = (s) => s.length === 16 ? s + ':00' + api.now().slice(19) : s;
		try {
			const s = await api.write('POST', '/v1/shifts', {
			    volunteer: v('volunteer'), activity: v('activity'),
			    started_at: local(v('started_at')),
			    ended_at: local(v('ended_at')),
			    place: v('place') || undefined,
			    content: v('content') || undefined },
			    t('Paper record of %{volunteer}', { volunteer: v('volunteer') }), true);
			fill(out, t('Logged: %{minutes} minutes (%{hours} h), %{points} points.',
			    { minutes: s.minutes, hours: hours(s.minutes), points: s.points }));
			el.reset();
		} catch (e) {
			failed(e, { volunteer: v('volunteer') });
		}
	},
	    h('label', { for: 'p-volunteer' }, t('Volunteer')),
	    h('input', { id: 'p-volunteer', name: 'volunteer', required: true }),
	    h('label', { for: 'p-activity' }, t('Activity')),
	    h('select', { id: 'p-activity', name: 'activity' }, acts.map((a) =>
		h('option', { value: a.code }, a.name))),
	    h('label', { for: 'p-start' }, t('Started')),
	    h('input', { id: 'p-start', name: 'started_at', type: 'datetime-local', required: true }),
	    h('label', { for: 'p-end' }, t('Ended')),
	    h('input', { id: 'p-end', name: 'ended_at', type: 'datetime-local', required: true }),
	    h('label', { for: 'p-place' }, t('Place')),
	    h('input', { id: 'p-place', name: 'place' }),
	    h('label', { for: 'p-content' }, t('What was done')),
	    h('input', { id: 'p-content', name: 'content' }),
	    h('span'), h('button', null, t('Log the paper record')));
	return h('section', null, h('h3', null, t('Log a paper record')), f, out);
}
