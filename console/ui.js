// Small helpers to build the page from data: elements are made with
// createElement and text nodes only, never from HTML strings, so nothing
// a volunteer's name holds can become markup.

import { t, say } from './i18n.js';
import { Refusal, NoAnswer, Queued } from './api.js';

// An element: h('p', {class: 'x', onclick: fn}, 'text', child, ...).
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false)
			continue;
		if (k.startsWith('on'))
			el.addEventListener(k.slice(2), v);
		else if (k === 'class')
			el.className = v;
		else if (v === true)
			el.setAttribute(k, '');
		else
			el.setAttribute(k, v);
	}
	for (const c of children.flat()) {
		if (c === undefined || c === null || c === false)
			continue;
		el.append(c instanceof Node ? c : String(c));
	}
	return el;
}

// Replace what el holds.
export function fill(el, ...children) {
	el.replaceChildren();
	for (const c of children.flat()) {
		if (c !== undefined && c !== null && c !== false)
			el.append(c instanceof Node ? c : String(c));
	}
	return el;
}

// Say something in the notice line: kind ok, error or info.
export function notice(text, kind = 'info') {
	const n = document.getElementById('notice');
	n.className = kind;
	n.textContent = text;
}

// Say what went wrong with a request, in the user's language; context
// holds what the page knows of the request (numbers the sentence needs
// when the refusal does not carry them).
export function failed(e, context = {}) {
	if (e instanceof Refusal)
		notice(say(e.problem, context), 'error');
	else if (e instanceof Queued)
		notice(t('No answer from the server: the write is kept and will be sent again.'), 'info');
	else if (e instanceof NoAnswer && e.write)
		notice(t('No answer from the server: this may have been done. Send the same again to find out; it will not be done twice.'), 'error');
	else if (e instanceof NoAnswer)
		notice(t('No answer from the server. Try again in a moment.'), 'error');
	else {
		notice(String(e.message || e), 'error');
		throw e;
	}
}

// A labelled input; returns [label, input].
export function field(label, attrs) {
	const input = h('input', attrs);
	return [h('label', { for: attrs.id }, t(label)), input];
}

// A form whose submit (the Enter key, as a scanner sends it) calls fn.
export function form(attrs, fn, ...children) {
	const f = h('form', attrs, ...children);
	f.addEventListener('submit', (ev) => {
		ev.preventDefault();
		fn(f);
	});
	return f;
}

// A table of rows: columns [{label, value: row => text|Node}], each
// label a message (N_) said in the user's language.
export function table(columns, rows, attrs = {}) {
	return h('table', attrs,
	    h('thead', null, h('tr', null, columns.map((c) => h('th', null,
		t(c.label))))),
	    h('tbody', null, rows.map((r) => h('tr', null, columns.map((c) =>
		h('td', c.num ? { class: 'num' } : null, c.value(r)))))));
}

// Hours of minutes, two decimals.
export function hours(minutes) {
	return (minutes / 60).toFixed(2);
}

// A time as the desk reads it: YYYY-MM-DD HH:MM in the browser's zone.
export function when(iso) {
	if (!iso)
		return '';
	const d = new Date(iso);
	const p = (n) => String(n).padStart(2, '0');
	return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' +
	    p(d.getDate()) + ' ' + p(d.getHours()) + ':' + p(d.getMinutes());
}
