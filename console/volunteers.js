// Volunteers: find one by number, name or a scanned card; register one
// (personal fields only with consent); a volunteer's page with hours,
// points, star level, recent shifts and transfers, and corrections of a
// shift with a reason.

import * as api from './api.js';
import { t, N_, word } from './i18n.js';
import { h, fill, notice, failed, form, table, when, hours } from './ui.js';

export async function show(main, ctx) {
	if (ctx.id === 'volunteer' && ctx.rest[0])
		return page(main, ctx.rest[0]);
	const found = h('div', { id: 'found' });
	main.append(h('h2', null, t('Find a volunteer')),
	    form({ id: 'find', class: 'scanbar' }, async (f) => {
		const q = f.elements.q.value.trim();
		if (q === '')
			return;
		try {
			await api.get('/v1/volunteers/' + api.encode(q));
			location.hash = '#volunteer/' + encodeURIComponent(q);
			return;
		} catch (e) {
			if (!(e instanceof api.Refusal && e.status === 404))
				return failed(e, { volunteer: q });
		}
		try {
			const all = (await api.get('/v1/volunteers', { limit: 1000 })).volunteers;
			const hits = all.filter((v) => v.name.includes(q) || v.number.includes(q));
			fill(found, hits.length === 0 ? h('p', null, t('Nobody has that number or name.')) :
			    table([
				{ label: N_('Number'), value: (v) => h('a', { href: '#volunteer/' + encodeURIComponent(v.number) }, v.number) },
				{ label: N_('Name'), value: (v) => v.name },
				{ label: N_('Status'), value: (v) => word(v.status) },
				{ label: N_('Points'), value: (v) => v.points, num: true },
			    ], hits));
		} catch (e) {
			failed(e);
		}
	    }, h('label', { for: 'q' }, t('Number, name or scan')),
		h('input', { id: 'q', name: 'q', autofocus: true, autocomplete: 'off' }),
		h('button', null, t('Find'))),
	    found, register());
}

// The registration form.
function register() {
	const personal = ['gender', 'birth_month', 'phone'];
	const f = form({ id: 'register', class: 'grid' }, async (el) => {
		const v = (n) => el.elements[n].value.trim();
		const consent = el.elements.consent.checked;
		// The registration's date from this machine's clock, so that a
		// kept one keeps it.
		const body = { number: v('number'), name: v('name'), consent,
		    registered_on: api.now().slice(0, 10) };
		if (consent) {
			for (const p of personal)
				if (v(p) !== '')
					body[p] = v(p);
		}
		if (v('id_number') !== '')
			body.id_number = v('id_number');
		try {
			const r = await api.write('POST', '/v1/volunteers', body,
			    t('Register %{volunteer}', { volunteer: body.number }), true);
			notice(t('%{name} (%{volunteer}) is registered.',
			    { name: r.name, volunteer: r.number }), 'ok');
			location.hash = '#volunteer/' + encodeURIComponent(r.number);
		} catch (e) {
			failed(e, { volunteer: body.number });
		}
	},
	    h('label', { for: 'r-number' }, t('Number')),
	    h('input', { id: 'r-number', name: 'number', required: true }),
	    h('label', { for: 'r-name' }, t('Name')),
	    h('input', { id: 'r-name', name: 'name', required: true }),
	    h('label', { for: 'r-id' }, t('ID number (kept only as a keyed hash)')),
	    h('input', { id: 'r-id', name: 'id_number', autocomplete: 'off' }),
	    h('label', { for: 'r-consent' }, t('Consents to keeping personal details')),
	    h('input', { id: 'r-consent', name: 'consent', type: 'checkbox',
		onchange: (ev) => {
		    for (const p of personal)
			    ev.target.form.elements[p].disabled = !ev.target.checked;
		} }),
	    h('label', { for: 'r-gender' }, t('Gender')),
	    h('select', { id: 'r-gender', name: 'gender', disabled: true },
		h('option', { value: '' }, ''),
		['female', 'male', 'other'].map((g) => h('option', { value: g }, word(g)))),
	    h('label', { for: 'r-birth' }, t('Birth month')),
	    h('input', { id: 'r-birth', name: 'birth_month', type: 'month', disabled: true }),
	    h('label', { for: 'r-phone' }, t('Phone')),
	    h('input', { id: 'r-phone', name: 'phone', type: 'tel', disabled: true }),
	    h('span'), h('button', null, t('Register')));
	return h('section', null, h('h3', null, t('Register a volunteer')), f);
}

// A volunteer's page.
async function page(main, number) {
	let v, ledger, shifts;
	try {
		[v, ledger, shifts] = await Promise.all([
		    api.get('/v1/volunteers/' + api.encode(number)),
		    api.get('/v1/volunteers/' + api.encode(number) + '/ledger', { limit: 10 }),
		    api.get('/v1/shifts', { volunteer: number, limit: 10 })]);
	} catch (e) {
		main.append(h('h2', null, number));
		return failed(e, { volunteer: number });
	}
	main.append(h('h2', null, v.name + ' · ' + v.number),
	    h('dl', { class: 'facts', id: 'facts' },
		h('dt', null, t('Service hours')), h('dd', { id: 'v-hours' }, hours(v.minutes)),
		h('dt', null, t('Points')), h('dd', { id: 'v-points' }, v.points),
		h('dt', null, t('Star level')), h('dd', { id: 'v-star' }, '★'.repeat(v.star) || '—'),
		h('dt', null, t('Status')), h('dd', null, word(v.status)),
		h('dt', null, t('Registered on')), h('dd', null, v.registered_on),
		h('dt', null, t('Teams')), h('dd', null, (v.teams || []).join(', ') || '—')),
	    h('p', null, h('a', { href: '#redeem/' + encodeURIComponent(v.number), class: 'button' }, t('Redeem points'))),
	    h('h3', null, t('Recent shifts')),
	    table([
		{ label: N_('Started'), value: (s) => when(s.started_at) },
		{ label: N_('Ended'), value: (s) => when(s.ended_at) },
		{ label: N_('Activity'), value: (s) => s.activity },
		{ label: N_('Minutes'), value: (s) => s.minutes, num: true },
		{ label: N_('Points'), value: (s) => s.points, num: true },
		{ label: N_('Status'), value: (s) => word(s.status) },
		{ label: '', value: (s) => s.status === 'recorded' ? h('button', { type: 'button',
		    onclick: () => correct(main, v.number, s) }, t('Correct')) : '' },
	    ], shifts.shifts || []),
	    h('h3', null, t('Recent transfers')),
	    table([
		{ label: N_('When'), value: (x) => when(x.at) },
		{ label: N_('Points'), value: (x) => (x.amount > 0 ? '+' : '') + x.amount, num: true },
		{ label: N_('Cause'), value: (x) => word(x.cause) },
		{ label: N_('Memo'), value: (x) => x.memo || '' },
	    ], ledger.transfers || []),
	    h('div', { id: 'correction' }), update(main, v));
}

// The update form: name, status, consent and the personal fields, which
// open only with consent; withdrawing consent erases them (doc/api.md).
function update(main, v) {
	const personal = ['gender', 'birth_month', 'phone'];
	const f = form({ id: 'update', class: 'grid' }, async (el) => {
		const val = (n) => el.elements[n].value.trim();
		const consent = el.elements.consent.checked;
		const body = { name: val('name'), consent };
		if (val('status') !== v.status) {
			body.status = val('status');
			body.reason = val('reason') || undefined;
		}
		if (consent) {
			for (const p of personal)
				if (val(p) !== '')
					body[p] = val(p);
		} else if (v.consent && !confirm(t('Withdrawing consent erases the personal details everywhere. Go on?'))) {
			return;
		}
		try {
			await api.write('PATCH', '/v1/volunteers/' + api.encode(v.number), body,
			    t('Update %{volunteer}', { volunteer: v.number }));
			notice(t('%{name} (%{volunteer}) is updated.', { name: body.name, volunteer: v.number }), 'ok');
			main.replaceChildren();
			page(main, v.number);
		} catch (e) {
			failed(e, { volunteer: v.number });
		}
	},
	    h('label', { for: 'u-name' }, t('Name')),
	    h('input', { id: 'u-name', name: 'name', value: v.name, required: true }),
	    h('label', { for: 'u-status' }, t('Status')),
	    h('select', { id: 'u-status', name: 'status' }, ['active', 'suspended', 'left'].map((s) =>
		h('option', { value: s, selected: s === v.status }, word(s)))),
	    h('label', { for: 'u-reason' }, t('Reason')),
	    h('input', { id: 'u-reason', name: 'reason' }),
	    h('label', { for: 'u-consent' }, t('Consents to keeping personal details')),
	    h('input', { id: 'u-consent', name: 'consent', type: 'checkbox', checked: !!v.consent,
		onchange: (ev) => {
		    for (const p of personal)
			    ev.target.form.elements[p].disabled = !ev.target.checked;
		} }),
	    h('label', { for: 'u-gender' }, t('Gender')),
	    h('select', { id: 'u-gender', name: 'gender', disabled: !v.consent },
		h('option', { value: '' }, ''),
		['female', 'male', 'other'].map((g) => h('option', { value: g, selected: g === v.gender }, word(g)))),
	    h('label', { for: 'u-birth' }, t('Birth month')),
	    h('input', { id: 'u-birth', name: 'birth_month', type: 'month', value: v.birth_month || '', disabled: !v.consent }),
	    h('label', { for: 'u-phone' }, t('Phone')),
	    h('input', { id: 'u-phone', name: 'phone', type: 'tel', value: v.phone || '', disabled: !v.consent }),
	    h('span'), h('button', null, t('Update')));
	return h('section', null, h('h3', null, t('Update the registration')), f);
}

// The correction form of one shift: new times, and the reason.
function correct(main, number, s) {
	const box = document.getElementById('correction');
	const local = (iso) => when(iso).replace(' ', 'T');
	fill(box, h('h3', null, t('Correct shift %{shift}', { shift: s.id })),
	    form({ class: 'grid', id: 'correct' }, async (el) => {
		const v = (n) => el.elements[n].value.trim();
		const off = api.now().slice(19);
		try {
			await api.write('POST', '/v1/shifts/' + api.encode(s.id) + '/corrections', {
			    reason: v('reason'),
			    started_at: v('started_at') + ':00' + off,
			    ended_at: v('ended_at') + ':00' + off },
			    t('Correct shift %{shift}', { shift: s.id }));
			notice(t('Shift %{shift} is corrected.', { shift: s.id }), 'ok');
			main.replaceChildren();
			page(main, number);
		} catch (e) {
			failed(e, { volunteer: number, shift: s.id });
		}
	    },
		h('label', { for: 'c-start' }, t('Started')),
		h('input', { id: 'c-start', name: 'started_at', type: 'datetime-local', value: local(s.started_at) }),
		h('label', { for: 'c-end' }, t('Ended')),
		h('input', { id: 'c-end', name: 'ended_at', type: 'datetime-local', value: local(s.ended_at) }),
		h('label', { for: 'c-reason' }, t('Reason')),
		h('input', { id: 'c-reason', name: 'reason', required: true }),
		h('span'), h('button', null, t('Correct'))));
}
