// Redeem: scan the volunteer, pick from the station's catalogue (stock
// shown), and print the receipt (58 mm or A4, style.css @media print);
// void a redemption with a reason.

import * as api from './api.js';
import { t } from './i18n.js';
import { h, fill, notice, failed, form, when } from './ui.js';

export async function show(main, ctx) {
	let items = [];
	const who = h('p', { id: 'who', class: 'muted' });
	const receipt = h('div', { id: 'receipt-box' });
	const vin = h('input', { id: 'r-volunteer', name: 'volunteer', autofocus: true, autocomplete: 'off' });
	const go = h('button', { id: 'redeem-go', disabled: true }, t('Redeem'));
	// The volunteer the number in the field was looked up as; null, and
	// Redeem disabled, from the moment the field changes until the
	// look-up of exactly its number has answered.
	let volunteer = null;
	const forget = () => {
		volunteer = null;
		go.disabled = true;
		fill(who, '');
	};
	vin.addEventListener('input', forget);
	// Look the number up; an answer for a number the field no longer
	// holds is dropped.
	const look = async (number) => {
		let found;
		try {
			found = await api.get('/v1/volunteers/' + api.encode(number));
		} catch (e) {
			if (vin.value.trim() !== number)
				return;
			forget();
			return failed(e, { volunteer: number });
		}
		if (vin.value.trim() !== number)
			return;
		volunteer = found;
		fill(who, t('%{name} (%{volunteer}) has %{balance} points.',
		    { name: volunteer.name, volunteer: volunteer.number,
		    balance: volunteer.points }));
		who.className = '';
		go.disabled = false;
	};
	const pick = h('select', { id: 'r-item', name: 'item' });
	// The catalogue with its stock as it is now.
	const stock = async () => {
		const chosen = pick.value;
		items = (await api.get('/v1/catalog')).items || [];
		fill(pick, items.map((i) =>
		    h('option', { value: i.code, disabled: i.stock < 1,
		    selected: i.code === chosen },
		    t('%{name}: %{price} points, %{stock} in stock',
		    { name: i.name, price: i.price, stock: i.stock }))));
	};
	await stock();
	const qty = h('input', { id: 'r-quantity', name: 'quantity', type: 'number', min: 1, value: 1 });
	main.append(h('h2', null, t('Redeem')),
	    form({ id: 'redeem-who', class: 'scanbar' }, () => {
		look(vin.value.trim());
		pick.focus();
	    }, h('label', { for: 'r-volunteer' }, t('Volunteer')), vin,
		h('button', null, t('Find'))),
	    who,
	    form({ id: 'redeem', class: 'scanbar' }, async () => {
		// For the number in the field, once it is looked up: never
		// for the one looked up before it. One at a time.
		const number = vin.value.trim();
		if (volunteer === null || go.disabled)
			return;
		const known = volunteer;
		go.disabled = true;
		const item = items.find((i) => i.code === pick.value) || {};
		const quantity = Number(qty.value) || 1;
		try {
			const r = await api.write('POST', '/v1/redemptions',
			    { volunteer: number, item: pick.value, quantity },
			    t('Redeem %{item} for %{volunteer}', { item: item.name, volunteer: number }));
			notice(t('Redeemed: %{quantity} × %{item_name}, %{points} points; %{balance} left.',
			    { quantity: r.quantity, item_name: r.name, points: r.points, balance: r.balance }), 'ok');
			fill(receipt, slip(r, known));
			if (vin.value.trim() === number)
				await look(number);
			await stock();
		} catch (e) {
			failed(e, { volunteer: number, item: item.code,
			    item_name: item.name, quantity, price: item.price,
			    cost: item.price * quantity, stock: item.stock,
			    balance: known.points });
		}
		go.disabled = volunteer === null;
	    }, h('label', { for: 'r-item' }, t('Item')), pick,
		h('label', { for: 'r-quantity' }, t('Quantity')), qty, go),
	    receipt);
	if (ctx.rest[0]) {
		vin.value = ctx.rest[0];
		await look(ctx.rest[0]);
	}
}

// The receipt of a redemption, with its print and void buttons: what
// the daemon answered, and the name of v only when v is the volunteer
// the redemption names.
function slip(r, v) {
	const name = v && v.number === r.volunteer ? v.name + ' ' : '';
	const box = h('div', { class: 'receipt', id: 'receipt' },
	    h('h3', null, t('Receipt')),
	    h('p', { class: 'receipt-no' }, r.receipt),
	    h('dl', null,
		h('dt', null, t('Station')), h('dd', null, r.station),
		h('dt', null, t('Time')), h('dd', null, when(r.at)),
		h('dt', null, t('Volunteer')), h('dd', null, name + r.volunteer),
		h('dt', null, t('Item')), h('dd', null, r.quantity + ' × ' + r.name),
		h('dt', null, t('Points')), h('dd', null, r.points),
		h('dt', null, t('Balance')), h('dd', { id: 'receipt-balance' }, r.balance)),
	    h('p', { class: 'sign' }, t('Received by')));
	const paper = (size) => () => {
		document.body.dataset.print = size;
		window.print();
	};
	return h('div', null, box,
	    h('p', { class: 'noprint' },
		h('button', { type: 'button', id: 'print-58', onclick: paper('58') }, t('Print receipt (58 mm)')), ' ',
		h('button', { type: 'button', id: 'print-a4', onclick: paper('a4') }, t('Print receipt (A4)'))),
	    form({ class: 'noprint scanbar', id: 'void' }, async (f) => {
		try {
			await api.write('POST', '/v1/redemptions/' + api.encode(r.id) + '/void',
			    { reason: f.elements.reason.value.trim() },
			    t('Void %{receipt}', { receipt: r.receipt }));
			notice(t('%{receipt} is void: the points and the stock are back.', { receipt: r.receipt }), 'ok');
			box.classList.add('void');
		} catch (e) {
			failed(e, { redemption: r.id });
		}
	    }, h('label', { for: 'void-reason' }, t('Reason')),
		h('input', { id: 'void-reason', name: 'reason', required: true }),
		h('button', null, t('Void'))));
}
