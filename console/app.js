// The console's frame: the station key first (key.js), then the screens
// of the daily job by the hash of the address (#checkin, #board,
// #board/ID, #volunteers, #volunteer/N, #redeem, #help, #report), the language switch and the
// outbox of writes waiting to be sent.

import * as api from './api.js';
import * as keys from './keys.js';
import { t, say, lang, setLang, N_ } from './i18n.js';
import { h, fill, notice } from './ui.js';
import * as keyScreen from './key.js';
import * as checkin from './checkin.js';
import * as volunteers from './volunteers.js';
import * as redeem from './redeem.js';
import * as catalog from './catalog.js';
import * as help from './help.js';
import * as report from './report.js';
import * as board from './board.js';
import * as print from './print.js';

const screens = [
	['checkin', N_('Check-in board'), checkin],
	['board', N_('Event board'), board],
	['volunteers', N_('Volunteers'), volunteers],
	['redeem', N_('Redeem'), redeem],
	['catalog', N_('Catalogue'), catalog],
	['help', N_('Points for help'), help],
	['report', N_('Reports'), report],
	['print', N_('Certificates and cards'), print],
	['key', N_('Station key'), keyScreen],
];

let key = null;

// The navigation, in the order of the daily job.
function nav(current) {
	fill(document.getElementById('nav'), screens.map(([id, label]) =>
	    h('a', { href: '#' + id, class: id === current ? 'here' : null },
	    t(label))));
}

// A segment of the address as meant: percent-decoded, or as it stands
// when it is not valid percent-encoding (#volunteer/%E0%A4).
function segment(s) {
	try {
		return decodeURIComponent(s);
	} catch (e) {
		return s;
	}
}

// Show the screen the address names.
async function route() {
	const main = document.getElementById('main');
	const [id, ...rest] = location.hash.slice(1).split('/');
	let screen = screens.find(([s]) => s === id);
	if (key === null || screen === undefined)
		screen = key === null ? screens[screens.length - 1] : screens[0];
	if (id === 'volunteer' && key !== null)
		screen = ['volunteers', N_('Volunteers'), volunteers];
	nav(screen[0]);
	document.title = t('Volunteer points station') + ' · ' + t(screen[1]);
	fill(document.getElementById('title'), t('Volunteer points station'));
	notice('');
	delete document.body.dataset.print;
	main.replaceChildren();
	// The screen's first field has the cursor as soon as it is drawn,
	// not once the screen's data have loaded: a scanner types at once,
	// and a card scanned in between kept only its last characters.
	const autofocus = () => {
		const first = main.querySelector('[autofocus]');
		if (first === null)
			return;
		first.focus();
		drawn.disconnect();
	};
	const drawn = new MutationObserver(autofocus);
	drawn.observe(main, { childList: true, subtree: true });
	try {
		await screen[2].show(main, { key, id, rest: rest.map(segment),
		    setKey: (k) => { key = k; api.useKey(k); }, send });
	} catch (e) {
		notice(String(e.message || e), 'error');
		console.warn(e);
	}
	drawn.disconnect();
	autofocus();
}

// The footer: how many writes wait to be sent.
async function outbox() {
	const waiting = await api.outbox();
	const foot = document.getElementById('outbox');
	if (waiting.length === 0) {
		fill(foot, t('Every write has been answered.'));
		return;
	}
	fill(foot, h('span', { class: 'queued' },
	    t('%{n} writes wait to be sent:', { n: waiting.length })), ' ',
	    waiting.map((w) => h('span', { class: 'chip' }, w.what || w.path)),
	    ' ', h('button', { type: 'button', onclick: send }, t('Send now')));
}

// What the page knew of a kept write, for the sentence of its refusal.
function known(entry) {
	try {
		return Object.assign({}, entry.args, JSON.parse(entry.body || '{}'));
	} catch (e) {
		return Object.assign({}, entry.args);
	}
}

// Send the outbox again; say how each write ended, a refusal in the
// user's language as every other.
async function send() {
	try {
		await api.flush((entry, body, refusal) => {
			if (refusal)
				notice(t('A kept write was refused: %{what}', { what: entry.what }) +
				    ' ' + say(refusal.problem, known(entry)), 'error');
			else
				notice(t('A kept write was sent: %{what}', { what: entry.what }), 'ok');
		});
	} catch (e) {
		console.warn(e);
	}
	outbox();
}

async function start() {
	document.getElementById('lang').addEventListener('click', () => {
		setLang(lang() === 'zh' ? 'en' : 'zh');
		fill(document.getElementById('lang'), lang() === 'zh' ? 'English' : '中文');
		route();
		outbox();
	});
	fill(document.getElementById('lang'), lang() === 'zh' ? 'English' : '中文');
	document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
	const why = await keys.support();
	if (why === null) {
		key = await keys.load();
		if (key !== null)
			api.useKey(key);
	}
	api.onOutbox(outbox);
	window.addEventListener('hashchange', route);
	window.addEventListener('online', send);
	setInterval(send, 30000);
	await route();
	await outbox();
	document.body.dataset.ready = why === null ? 'yes' : why;
}

start();
