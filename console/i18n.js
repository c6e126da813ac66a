// The console's words: how they are said. The messages are po/'s, as the
// client's are: English msgids marked in console/*.js with t(), N_() and
// NC_() (words.js), translated in po/zh_CN.po; make update-po writes
// messages.js from it, with the client's refusal sentences
// (client/refusal.c) and report headings (client/headings.c). %{name}
// stands for a value. Chinese is the default, English a switch away
// (kept in localStorage).
//
// A refusal is said from its RFC 9457 type and members, never from the
// English detail: the page's own first where its reader acts otherwise
// (words.js, refusalsFirst), then the client's sentences, the first whose
// members are all known, then the page's own (words.js); the members of
// the problem win over what the page knew of its request.

import { zh, refusals, columns } from './messages.js';
import * as own from './words.js';

export { N_, NC_ } from './words.js';

const LANG = 'vpoints-console-lang';

// The language in force: 'zh' (the default) or 'en'.
export function lang() {
	return localStorage.getItem(LANG) === 'en' ? 'en' : 'zh';
}

export function setLang(l) {
	localStorage.setItem(LANG, l);
	document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
}

// A word of the ledger sent as a value, as people read it.
export function word(v) {
	return typeof v === 'string' ? t(own.NC_('value', v)) : v;
}

// Fill %{name} from values; undefined when one is missing.
function fillIn(template, values) {
	let missing = false;
	const s = template.replace(/%\{(\w+)\}/g, (m, k) => {
		const v = values[k];
		if (v === undefined || v === null || v === '') {
			missing = true;
			return m;
		}
		return String(word(v));
	});
	return missing ? undefined : s;
}

// A message in the user's language, its %{name} filled from values. A
// message with a context (NC_) is said in English without it.
export function t(msgid, values = {}) {
	const text = lang() === 'zh' && zh[msgid] !== undefined ? zh[msgid] :
	    msgid.slice(msgid.indexOf('\u0004') + 1);
	const s = fillIn(text, values);
	return s === undefined ? text : s;
}

// A report column's heading.
export function column(member) {
	const c = own.columns[member] || columns[member];
	return c === undefined ? member : t(c);
}

// A refusal (an RFC 9457 problem) as a sentence in the user's language:
// the sentences of its type and reason, then of its type, as the
// client's (client/refusal.c), then the page's.
export function say(problem, context = {}) {
	const type = String(problem.type || '').replace(/^urn:vpoints:problem:/, '');
	const values = Object.assign({}, context, problem);
	const tried = [].concat(own.refusalsFirst[type] || [],
	    problem.reason ? refusals[type + '/' + problem.reason] || [] : [],
	    refusals[type] || [], own.refusals[type] || []);
	for (const template of tried) {
		const s = fillIn(t(template), values);
		if (s !== undefined)
			return s;
	}
	if (lang() === 'en' && problem.detail)
		return problem.detail;
	return t('The request was refused (%{status}).', { status: problem.status }) +
	    (problem.detail ? ' ' + problem.detail : '');
}
