// The event board: the events of a few days, by day, each with its
// places taken, free and waiting (#board); an event's sign-ups in order,
// the waiting list numbered (#board/ID). A volunteer is signed up by a
// scan (or a typed number) and Enter; a sign-up is cancelled with one
// button, and the first waiting takes the place. A volunteer refused
// for no-shows (signup-blocked) can have the block lifted on the spot.
// Sign-ups are never kept in the outbox: a place is decided at the
// moment the daemon answers.

import * as api from './api.js';
import { t, N_, word } from './i18n.js';
import { h, fill, notice, failed, form, table, when } from './ui.js';

// YYYY-MM-DD of a Date in the browser's zone.
function day(d) {
	const p = (n) => String(n).padStart(2, '0');
	return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate());
}

// The list: from a day for a week, grouped by the day of the start.
async function list(main, from) {
	const to = new Date(from + 'T00:00:00');
	to.setDate(to.getDate() + 6);
	const r = await api.get('/v1/events', { from, to: day(to) });
	const days = new Map();
	for (const e of r.events || []) {
		const d = day(new Date(e.starts_at));
		if (!days.has(d))
			days.set(d, []);
		days.get(d).push(e);
	}
	const pick = h('input', { id: 'board-from', name: 'from', type: 'date',
	    value: from });
	main.append(...h('div', null, h('h2', null, t('Event board')),
	    form({ id: 'board-form', class: 'scanbar' }, (f) => {
		location.hash = '#board/from/' + f.elements.from.value;
	    }, h('label', { for: 'board-from' }, t('From')), pick,
		h('button', null, t('Show'))),
	    days.size === 0 ? h('p', { class: 'muted' },
		t('No events in these days.')) : null,
	    Array.from(days, ([d, events]) => h('section', { class: 'day' },
		h('h3', null, d),
		table([
		    { label: N_('Time'), value: (e) => when(e.starts_at).slice(11) +
			'–' + when(e.ends_at).slice(11) },
		    { label: N_('Event'), value: (e) => h('a', { href: '#board/' +
			encodeURIComponent(e.id), class: 'event' }, e.title) },
		    { label: N_('Place'), value: (e) => e.place || '' },
		    { label: N_('Places'), value: (e) => e.places, num: true },
		    { label: N_('Taken'), value: (e) => e.taken, num: true },
		    { label: N_('Free'), value: (e) => e.free, num: true },
		    { label: N_('Waiting'), value: (e) => e.waiting, num: true },
		    { label: N_('Status'), value: (e) => word(e.status) },
		], events, { class: 'events' })))).childNodes);
}

// An event's page: its numbers, the scan bar, its sign-ups.
async function detail(main, id) {
	const facts = h('p', { id: 'event-facts' });
	const rows = h('div', { id: 'signups' });
	const lift = h('div', { id: 'lift' });
	const scan = h('input', { id: 'signup-scan', autofocus: true,
	    autocomplete: 'off', placeholder:
	    t('Scan a card or type a number, then Enter') });
	const render = async () => {
		let e;
		try {
			e = await api.get('/v1/events/' + api.encode(id));
		} catch (err) {
			if (err instanceof api.NoAnswer)
				return;
			return failed(err, { event: id });
		}
		fill(facts, h('strong', null, e.title), ' ',
		    when(e.starts_at) + '–' + when(e.ends_at).slice(11), ' ',
		    e.place || '', ' · ',
		    t('%{taken} of %{places} places taken, %{free} free, %{waiting} waiting.',
		    { taken: String(e.taken), places: String(e.places),
		    free: String(e.free), waiting: String(e.waiting) }));
		const live = (e.signups || []).filter((s) =>
		    s.state === 'place' || s.state === 'waiting');
		const gone = (e.signups || []).filter((s) =>
		    s.state !== 'place' && s.state !== 'waiting');
		const order = live.filter((s) => s.state === 'place').concat(
		    live.filter((s) => s.state === 'waiting').sort((a, b) =>
		    a.position - b.position), gone);
		fill(rows, order.length === 0 ? h('p', { class: 'muted' },
		    t('Nobody has signed up yet.')) : table([
			{ label: N_('Waiting list'), value: (s) =>
			    s.state === 'waiting' ? String(s.position) : '', num: true },
			{ label: N_('Number'), value: (s) => s.volunteer },
			{ label: N_('Status'), value: (s) => word(s.status) },
			{ label: N_('Signed up'), value: (s) => when(s.signed_up_at) },
			{ label: '', value: (s) => s.state !== 'place' &&
			    s.state !== 'waiting' ? '' : h('button', { type: 'button',
			    class: 'signup-cancel', 'data-volunteer': s.volunteer,
			    onclick: async () => {
				await cancel(s);
				await render();
				scan.focus();
			    } }, t('Cancel')) },
		    ], order, { id: 'signup-table' }));
	};
	// Lift the block of a volunteer refused for no-shows, then sign up.
	const offer = (number) => fill(lift, h('button', { type: 'button',
	    id: 'unblock', onclick: async () => {
		const reason = prompt(t('Why is the block of %{volunteer} lifted?',
		    { volunteer: number }));
		if (reason === null || reason.trim() === '')
			return;
		try {
			await api.write('POST', '/v1/volunteers/' + api.encode(number) +
			    '/unblock', { reason: reason.trim() },
			    t('Lift the block of %{volunteer}', { volunteer: number }));
			fill(lift);
			notice(t('The block of %{volunteer} is lifted.',
			    { volunteer: number }), 'ok');
		} catch (err) {
			failed(err, { volunteer: number });
		}
		scan.focus();
	    } }, t('Lift the no-show block of %{volunteer}', { volunteer: number })));
	main.append(h('h2', null, h('a', { href: '#board' }, t('Event board')),
	    ' · ', t('Event %{id}', { id })), facts,
	    form({ id: 'signup-form', class: 'scanbar' }, async () => {
		const number = scan.value.trim();
		scan.value = '';
		if (number === '')
			return;
		fill(lift);
		try {
			const s = await api.write('POST', '/v1/signups',
			    { volunteer: number, event: Number(id) || id },
			    t('Sign up %{volunteer}', { volunteer: number }));
			notice(s.state === 'place' ?
			    t('%{volunteer} has a place.', { volunteer: number }) :
			    t('%{volunteer} waits: number %{position} on the waiting list.',
			    { volunteer: number, position: String(s.position) }), 'ok');
		} catch (err) {
			failed(err, { volunteer: number, event: id });
			if (err instanceof api.Refusal &&
			    /signup-blocked$/.test(err.problem.type || ''))
				offer(number);
		}
		await render();
		scan.focus();
	    }, h('label', { for: 'signup-scan' }, t('Volunteer')), scan,
		h('button', null, t('Sign up'))),
	    lift, h('h3', null, t('Sign-ups')), rows);
	await render();
}

// Cancel a sign-up; say who took the place.
async function cancel(s) {
	try {
		const r = await api.write('POST', '/v1/signups/' + api.encode(s.id) +
		    '/cancel', {}, t('Cancel the sign-up of %{volunteer}',
		    { volunteer: s.volunteer }));
		let text = t('The sign-up of %{volunteer} is cancelled.',
		    { volunteer: s.volunteer });
		if (r.noshow)
			text += ' ' + t('It is late: it counts as a no-show.');
		if ((r.promoted || []).length > 0)
			text += ' ' + t('The place goes to %{volunteers}.',
			    { volunteers: r.promoted.join(', ') });
		notice(text, 'ok');
	} catch (err) {
		failed(err, { volunteer: s.volunteer, signup: s.id });
	}
}

export async function show(main, ctx) {
	const [first, second] = ctx.rest;
	if (first === 'from' && /^\d{4}-\d{2}-\d{2}$/.test(second || ''))
		return list(main, second);
	if (first !== undefined && first !== '')
		return detail(main, first);
	return list(main, day(new Date()));
}
