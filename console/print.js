// What the desk prints beside receipts: certificates of service, signed
// by the daemon, with the JWS in a QR code; volunteer cards with a QR
// code of the number alone, which a USB scanner types at any desk.

import * as api from './api.js';
import * as qr from './qr.js';
import { t } from './i18n.js';
import { h, fill, notice, failed, form, hours, when } from './ui.js';

// A certificate's page: its fields and its QR code.
function certificate(c, jws) {
	const code = qr.encode(jws, 'M') || qr.encode(jws, 'L');
	return h('div', { class: 'certificate', id: 'certificate' },
	    h('h3', null, t('Certificate of volunteer service')),
	    h('p', { class: 'cert-no' }, c.number),
	    h('p', null, t('%{name} (volunteer %{volunteer}) served %{hours} hours in %{shifts} shifts from %{from} to %{to}.',
		{ name: c.name, volunteer: c.volunteer, hours: c.hours,
		shifts: c.shifts, from: c.from, to: c.to })),
	    h('ul', null, (c.activities || []).map((a) =>
		h('li', null, t('%{activity}: %{hours} hours', { activity: a.name, hours: hours(a.minutes) })))),
	    h('p', null, t('Issued by %{station} of %{community} on %{date}.',
		{ station: c.station_name || c.station, community: c.community_name || c.community,
		date: when(c.issued_at).slice(0, 10) })),
	    code !== null ? qr.svg(code, c.number) :
		h('p', { class: 'error' }, t('The signature is too long for a QR code here; print it with vpoints certificate issue --html.')));
}

// One card.
function card(v) {
	return h('div', { class: 'card' },
	    h('div', null, h('p', { class: 'card-title' }, t('Volunteer card')),
		h('p', { class: 'card-name' }, v.name),
		h('p', { class: 'card-no' }, v.number),
		h('p', null, v.community)),
	    qr.svg(qr.encode(v.number, 'M'), v.number));
}

export async function show(main) {
	const out = h('div', { id: 'print-out' });
	const year = String(new Date().getFullYear());
	main.append(h('h2', null, t('Certificates and cards')),
	    form({ id: 'cert-form', class: 'scanbar' }, async (f) => {
		const number = f.elements.volunteer.value.trim();
		try {
			const r = await api.write('POST', '/v1/certificates',
			    { volunteer: number, year: f.elements.year.value.trim() },
			    t('Certificate for %{volunteer}', { volunteer: number }));
			const c = typeof r.certificate === 'string' ? JSON.parse(r.certificate) : r.certificate;
			document.body.dataset.print = 'page';
			fill(out, certificate(Object.assign({ number: r.number }, c), r.jws),
			    h('p', { class: 'noprint' }, h('button', { type: 'button', onclick: () => window.print() }, t('Print'))));
			notice(t('Certificate %{number} is issued.', { number: r.number }), 'ok');
		} catch (e) {
			failed(e, { volunteer: number });
		}
	    }, h('label', { for: 'cert-volunteer' }, t('Volunteer')),
		h('input', { id: 'cert-volunteer', name: 'volunteer', autofocus: true, autocomplete: 'off', required: true }),
		h('label', { for: 'cert-year' }, t('Year')),
		h('input', { id: 'cert-year', name: 'year', value: year, size: 4 }),
		h('button', null, t('Issue a certificate'))),
	    form({ id: 'card-form', class: 'scanbar' }, async (f) => {
		const numbers = f.elements.numbers.value.split(/[\s,，]+/).filter((n) => n !== '');
		try {
			const vs = [];
			for (const n of numbers)
				vs.push(await api.get('/v1/volunteers/' + api.encode(n)));
			document.body.dataset.print = 'page';
			fill(out, h('div', { class: 'cards', id: 'cards' }, vs.map(card)),
			    h('p', { class: 'noprint' }, h('button', { type: 'button', onclick: () => window.print() }, t('Print'))));
		} catch (e) {
			failed(e);
		}
	    }, h('label', { for: 'card-numbers' }, t('Volunteer numbers')),
		h('input', { id: 'card-numbers', name: 'numbers', autocomplete: 'off', required: true }),
		h('button', null, t('Make cards'))),
	    out);
}
