// The console's own words that are data, in English: their Chinese is in
// po/zh_CN.po (make update-po extracts them from here, as from every
// console/*.js, and writes messages.js). doc/console.md, "Languages".

// The marks of a message, as in C (client/i18n.h): N_(msgid), and
// NC_(context, msgid) for an English word that means two things; t()
// translates either (i18n.js).
export function N_(msgid) {
	return msgid;
}

export function NC_(context, msgid) {
	return context + '\u0004' + msgid;
}

// Words of the ledger that the daemon sends as values (a status, a
// cause, a category, a gender, a level, a help request's action), as the
// page says them (word() in i18n.js): context "value".
export const words = [
	NC_('value', 'active'), NC_('value', 'suspended'), NC_('value', 'left'),
	NC_('value', 'open'), NC_('value', 'completed'), NC_('value', 'recorded'),
	NC_('value', 'corrected'), NC_('value', 'accepted'),
	NC_('value', 'cancelled'), NC_('value', 'expired'),
	NC_('value', 'accept'), NC_('value', 'complete'), NC_('value', 'cancel'),
	NC_('value', 'female'), NC_('value', 'male'), NC_('value', 'other'),
	NC_('value', 'volunteer'), NC_('value', 'team'),
	NC_('value', 'community'), NC_('value', 'station'),
	NC_('value', 'shift'), NC_('value', 'reversal'),
	NC_('value', 'redemption'), NC_('value', 'help'),
	NC_('value', 'gift'), NC_('value', 'book'), NC_('value', 'service'),
	NC_('value', 'not-open'), NC_('value', 'closed'),
	NC_('value', 'running'), NC_('value', 'over'),
	NC_('value', 'place'), NC_('value', 'waiting'), NC_('value', 'late'),
	NC_('value', 'attended'), NC_('value', 'no-show'),
	NC_('value', 'event-cancelled'),
];

// What the page says of a refusal before the client's sentences: where
// the page's reader acts otherwise than a station's command line (a page
// opened under another name is opened again, not reconfigured).
export const refusalsFirst = {
	'wrong-authority': [N_('The page was opened under a name the server does not answer to: open it by the server\'s own address.')],
};

// What the page says of a refusal whose problem lacks the members of the
// client's sentences (client/refusal.c, in messages.js): members the page
// knew of its request fill these, after those sentences, by type.
export const refusals = {
	'signup-closed': [N_('Sign-up for event %{event} is not open now.')],
	'already-signed-up': [N_('Volunteer %{volunteer} is signed up for this event already.')],
	'requirement-unmet': [N_('Volunteer %{volunteer} does not meet the event\'s requirements.')],
	'signup-blocked': [N_('Volunteer %{volunteer} did not come too often: new sign-ups are refused until a station lifts the block.')],
	'signup-overlap': [N_('Volunteer %{volunteer} is signed up or serves elsewhere at that time.')],
	'event-cancelled': [N_('Event %{event} was cancelled.')],
	'event-over': [N_('Event %{event} is over.')],
	'signup-not-live': [N_('The sign-up of %{volunteer} is no longer live.')],
	'already-checked-in': [N_('%{volunteer} has checked in already: the sign-up cannot be cancelled.')],
	'not-blocked': [N_('Volunteer %{volunteer} is not blocked.')],
	'shift-overlap': [N_('Volunteer %{volunteer} has another shift at that time.')],
	'duplicate-id-number': [N_('This person appears to be registered already. Ask the city office.')],
	'invalid-field': [N_('A field is missing or not valid.')],
	'help-resolved': [N_('This help request is no longer open.')],
	'signature-too-old': [N_('The clock of this computer is off by more than a few minutes: set it right, then try again.')],
	'signature-in-future': [N_('The clock of this computer is off by more than a few minutes: set it right, then try again.')],
	'month-closed': [N_('That month is closed: nothing dated in it can be recorded or changed.')],
	'back-entry-window': [N_('That date is too far back for a station key; an admin key can record it.')],
	'shift-too-short': [N_('A shift lasts at least one whole minute.')],
	'start-in-future': [N_('A time given is in the future.')],
	'end-in-future': [N_('A time given is in the future.')],
	'date-in-future': [N_('A time given is in the future.')],
};

// Report columns the page shows otherwise than the client's headings
// (client/headings.c, in messages.js) say: minutes stay minutes here (the
// client shows them as hours), and "active" is a count.
export const columns = {
	minutes: NC_('report', 'Minutes of service'),
	minutes_ytd: NC_('report', 'Minutes this year'),
	active: NC_('report', 'Volunteers who served'),
};
