// The station's catalogue: every item with its stock; add one, restock,
// deactivate.

import * as api from './api.js';
import { t, N_, word } from './i18n.js';
import { h, fill, notice, failed, form, table } from './ui.js';

export async function show(main) {
	const list = h('div', { id: 'catalog-list' });
	const render = async () => {
		let items;
		try {
			items = (await api.get('/v1/catalog', { all: 1 })).items || [];
		} catch (e) {
			return failed(e);
		}
		fill(list, table([
			{ label: N_('Code'), value: (i) => i.code },
			{ label: N_('Name'), value: (i) => i.name },
			{ label: N_('Category'), value: (i) => word(i.category) },
			{ label: N_('Price in points'), value: (i) => i.price, num: true },
			{ label: N_('Stock'), value: (i) => i.stock, num: true },
			{ label: N_('Active'), value: (i) => i.active ? '✓' : '' },
			{ label: '', value: (i) => i.active ? [
			    h('button', { type: 'button', onclick: async () => {
				const quantity = Number(prompt(t('Units to add')) || 0);
				if (quantity < 1)
					return;
				try {
					const r = await api.write('POST', '/v1/catalog/' + api.encode(i.code) + '/restock',
					    { quantity }, t('Restock %{item}', { item: i.code }));
					notice(t('%{item_name}: %{stock} in stock.', { item_name: r.name, stock: r.stock }), 'ok');
				} catch (e) {
					failed(e, { item: i.code, item_name: i.name });
				}
				render();
			    } }, t('Restock')), ' ',
			    h('button', { type: 'button', onclick: async () => {
				try {
					await api.write('POST', '/v1/catalog/' + api.encode(i.code) + '/deactivate',
					    {}, t('Deactivate %{item}', { item: i.code }));
					notice(t('%{item_name} is no longer redeemable.', { item_name: i.name }), 'ok');
				} catch (e) {
					failed(e, { item: i.code, item_name: i.name });
				}
				render();
			    } }, t('Deactivate'))] : '' },
		], items));
	};
	main.append(h('h2', null, t('Catalogue')), list,
	    h('section', null, h('h3', null, t('Add an item')),
	    form({ id: 'catalog-add', class: 'grid' }, async (f) => {
		const v = (n) => f.elements[n].value.trim();
		try {
			const r = await api.write('POST', '/v1/catalog', {
			    code: v('code'), name: v('name'), category: v('category'),
			    price: Number(v('price')), stock: Number(v('stock')) },
			    t('Add %{item}', { item: v('code') }));
			notice(t('%{item_name} is added.', { item_name: r.name }), 'ok');
			f.reset();
		} catch (e) {
			failed(e, { item: v('code'), item_name: v('name') });
		}
		render();
	    },
		h('label', { for: 'c-code' }, t('Code')),
		h('input', { id: 'c-code', name: 'code', required: true, autofocus: true }),
		h('label', { for: 'c-name' }, t('Name')),
		h('input', { id: 'c-name', name: 'name', required: true }),
		h('label', { for: 'c-category' }, t('Category')),
		h('select', { id: 'c-category', name: 'category' }, ['gift', 'book', 'service'].map((c) =>
		    h('option', { value: c }, word(c)))),
		h('label', { for: 'c-price' }, t('Price in points')),
		h('input', { id: 'c-price', name: 'price', type: 'number', min: 1, required: true }),
		h('label', { for: 'c-stock' }, t('Stock')),
		h('input', { id: 'c-stock', name: 'stock', type: 'number', min: 0, value: 0 }),
		h('span'), h('button', null, t('Add')))));
	await render();
}
