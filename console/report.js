// Monthly and annual reports on screen: the rows, a bar chart of the
// hours (SVG), print, the CSV the daemon writes, and an XLSX written
// here (xlsx.js) from the JSON report.

import * as api from './api.js';
import { t, column, word } from './i18n.js';
import { h, fill, failed, form, table } from './ui.js';
import { workbook } from './xlsx.js';

const SVG = 'http://www.w3.org/2000/svg';

// An SVG element with attributes.
function s(tag, attrs, text) {
	const el = document.createElementNS(SVG, tag);
	for (const [k, v] of Object.entries(attrs))
		el.setAttribute(k, v);
	if (text !== undefined)
		el.textContent = text;
	return el;
}

// A horizontal bar chart of hours by row name.
function chart(rows) {
	const top = rows.slice().sort((a, b) => b.hours - a.hours).slice(0, 15);
	const max = Math.max(1, ...top.map((r) => Number(r.hours)));
	const bar = 22, width = 640, label = 160;
	const svg = s('svg', { viewBox: `0 0 ${width} ${top.length * bar + 10}`,
	    class: 'chart', role: 'img', 'aria-label': t('Service hours') });
	top.forEach((r, i) => {
		const w = (width - label - 60) * Number(r.hours) / max;
		svg.append(s('text', { x: label - 6, y: i * bar + 16, 'text-anchor': 'end' }, r.name || r.code || r.number),
		    s('rect', { x: label, y: i * bar + 4, width: Math.max(w, 1), height: bar - 8, class: 'bar' }),
		    s('text', { x: label + w + 6, y: i * bar + 16 }, r.hours));
	});
	return svg;
}

// A report's value as the desk reads it: decimals as two, yes as ✓.
function cell(member, v) {
	if (v === true)
		return '✓';
	if (v === false || v === null || v === undefined)
		return '';
	if (typeof v === 'number' && /hours|share|progress/.test(member))
		return v.toFixed(2);
	return v;
}

// The column heading of a report member.
const heading = (c) => column(c);

// The columns of a report the desk is shown.
const shown = (r) => r.columns.filter((c) =>
    !/_ytd$|^progress$/.test(c) || r.level === 'volunteer');

// Hand the browser a file to save.
function save(blob, name) {
	const a = h('a', { href: URL.createObjectURL(blob), download: name });
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(a.href), 60000);
}

export async function show(main) {
	const out = h('div', { id: 'report-out' });
	const d = new Date();
	const month = d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0');
	const params = (f) => {
		const kind = f.elements.kind.value;
		const p = { level: f.elements.level.value };
		if (kind === 'monthly')
			p.month = f.elements.period.value;
		else
			p.year = f.elements.period.value.slice(0, 4);
		return [kind, p];
	};
	const f = form({ id: 'report-form', class: 'scanbar' }, async (el) => {
		const [kind, p] = params(el);
		try {
			const r = await api.get('/v1/reports/' + kind, p);
			const cols = shown(r);
			fill(out, h('h3', null, kind === 'monthly' ?
			    t('Monthly report %{period}', { period: r.period }) :
			    t('Annual report %{period}', { period: r.period })),
			    r.rows.length > 0 ? chart(r.rows) : h('p', { class: 'muted' }, t('Nothing in this period.')),
			    table(cols.map((c) => ({ label: heading(c), value: (row) => cell(c, row[c]),
				num: typeof (r.rows[0] || {})[c] === 'number' })), r.rows, { id: 'report-table' }));
		} catch (e) {
			failed(e);
		}
	},
	    h('label', { for: 'kind' }, t('Report')),
	    h('select', { id: 'kind', name: 'kind' },
		h('option', { value: 'monthly' }, t('Monthly')),
		h('option', { value: 'annual' }, t('Annual'))),
	    h('label', { for: 'period' }, t('Month')),
	    h('input', { id: 'period', name: 'period', type: 'month', value: month }),
	    h('label', { for: 'level' }, t('By')),
	    h('select', { id: 'level', name: 'level' }, ['volunteer', 'team', 'community', 'station'].map((l) =>
		h('option', { value: l }, word(l)))),
	    h('button', { id: 'report-go', autofocus: true }, t('Show')),
	    h('button', { type: 'button', onclick: () => window.print() }, t('Print')),
	    h('button', { type: 'button', id: 'report-csv', onclick: async () => {
		const [kind, p] = params(f);
		try {
			const csv = await api.get('/v1/reports/' + kind, p, 'text/csv');
			save(new Blob([csv], { type: 'text/csv' }),
			    `vpoints-${kind}-${p.month || p.year}-${p.level}.csv`);
		} catch (e) {
			failed(e);
		}
	    } }, t('Download CSV')),
	    h('button', { type: 'button', id: 'report-xlsx', onclick: async () => {
		const [kind, p] = params(f);
		try {
			const r = await api.get('/v1/reports/' + kind, p);
			const cols = shown(r);
			save(workbook(r.period + ' ' + p.level, cols.map(heading),
			    r.rows.map((row) => cols.map((c) => row[c])),
			    (i) => /hours|share|progress/.test(cols[i])),
			    `vpoints-${kind}-${p.month || p.year}-${p.level}.xlsx`);
		} catch (e) {
			failed(e);
		}
	    } }, t('Download XLSX')));
	main.append(h('h2', null, t('Reports')), f, out);
}
