// A minimal XLSX (Office Open XML) writer, so a report downloads as a
// spreadsheet with no third-party code: one sheet, inline strings,
// numbers as numbers (hours with two decimals by a number format), the
// header row frozen; packed in a ZIP of STORED entries (no compression,
// so only CRC-32 is needed, computed here).

const enc = new TextEncoder();

// CRC-32 (IEEE 802.3, reflected, as ZIP uses it).
const crcTable = (() => {
	const t = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		t[n] = c >>> 0;
	}
	return t;
})();

export function crc32(bytes) {
	let c = 0xffffffff;
	for (const b of bytes)
		c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

// A ZIP archive of files [{name, data: Uint8Array}], each STORED.
export function zip(files) {
	const parts = [], central = [];
	let offset = 0;
	// A fixed DOS time (1980-01-01 00:00): the same bytes each time.
	const time = 0, date = (0 << 9) | (1 << 5) | 1;
	for (const f of files) {
		const name = enc.encode(f.name);
		const crc = crc32(f.data);
		const local = new DataView(new ArrayBuffer(30));
		local.setUint32(0, 0x04034b50, true);
		local.setUint16(4, 20, true);		// version needed
		local.setUint16(6, 0x0800, true);	// names in UTF-8
		local.setUint16(8, 0, true);		// STORED
		local.setUint16(10, time, true);
		local.setUint16(12, date, true);
		local.setUint32(14, crc, true);
		local.setUint32(18, f.data.length, true);
		local.setUint32(22, f.data.length, true);
		local.setUint16(26, name.length, true);
		local.setUint16(28, 0, true);
		const cd = new DataView(new ArrayBuffer(46));
		cd.setUint32(0, 0x02014b50, true);
		cd.setUint16(4, 20, true);		// made by
		cd.setUint16(6, 20, true);
		cd.setUint16(8, 0x0800, true);
		cd.setUint16(10, 0, true);
		cd.setUint16(12, time, true);
		cd.setUint16(14, date, true);
		cd.setUint32(16, crc, true);
		cd.setUint32(20, f.data.length, true);
		cd.setUint32(24, f.data.length, true);
		cd.setUint16(28, name.length, true);
		cd.setUint32(42, offset, true);
		parts.push(new Uint8Array(local.buffer), name, f.data);
		central.push(new Uint8Array(cd.buffer), name);
		offset += 30 + name.length + f.data.length;
	}
	const size = central.reduce((n, p) => n + p.length, 0);
	const end = new DataView(new ArrayBuffer(22));
	end.setUint32(0, 0x06054b50, true);
	end.setUint16(8, files.length, true);
	end.setUint16(10, files.length, true);
	end.setUint32(12, size, true);
	end.setUint32(16, offset, true);
	return new Blob([...parts, ...central, new Uint8Array(end.buffer)],
	    { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
}

// Text for XML, the five characters escaped and what XML 1.0 cannot
// hold dropped.
function esc(s) {
	return String(s).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
	    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
	    .replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

// The column letters of a 0-based index: 0 A, 25 Z, 26 AA.
function letters(i) {
	let s = '';
	for (i++; i > 0; i = Math.floor((i - 1) / 26))
		s = String.fromCharCode(65 + (i - 1) % 26) + s;
	return s;
}

// One cell: a number (style 1, two decimals, when decimal), a boolean,
// or an inline string; nothing for null.
function cell(ref, v, decimal) {
	if (v === null || v === undefined || v === '')
		return '';
	if (typeof v === 'number' && Number.isFinite(v))
		return `<c r="${ref}"${decimal ? ' s="1"' : ''}><v>${v}</v></c>`;
	if (typeof v === 'boolean')
		return `<c r="${ref}" t="b"><v>${v ? 1 : 0}</v></c>`;
	return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${esc(v)}</t></is></c>`;
}

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const NS = 'http://schemas.openxmlformats.org/';

// A workbook of one sheet: headings, then rows of values; decimal(i)
// says whether column i shows two decimals. A Blob.
export function workbook(sheetName, headings, rows, decimal = () => false) {
	const sheetRows = [headings, ...rows].map((row, r) =>
	    `<row r="${r + 1}">` + row.map((v, c) =>
	    cell(letters(c) + (r + 1), v, r > 0 && decimal(c))).join('') + '</row>');
	const files = {
		'[Content_Types].xml': XML +
		    `<Types xmlns="${NS}package/2006/content-types">` +
		    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
		    '<Default Extension="xml" ContentType="application/xml"/>' +
		    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
		    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
		    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
		    '</Types>',
		'_rels/.rels': XML +
		    `<Relationships xmlns="${NS}package/2006/relationships">` +
		    `<Relationship Id="rId1" Type="${NS}officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
		    '</Relationships>',
		'xl/workbook.xml': XML +
		    `<workbook xmlns="${NS}spreadsheetml/2006/main" xmlns:r="${NS}officeDocument/2006/relationships">` +
		    `<sheets><sheet name="${esc(sheetName.slice(0, 31).replace(/[\\/?*[\]:]/g, ' '))}" sheetId="1" r:id="rId1"/></sheets>` +
		    '</workbook>',
		'xl/_rels/workbook.xml.rels': XML +
		    `<Relationships xmlns="${NS}package/2006/relationships">` +
		    `<Relationship Id="rId1" Type="${NS}officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
		    `<Relationship Id="rId2" Type="${NS}officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
		    '</Relationships>',
		// Style 0 the default, style 1 numbers with two decimals
		// (format 164, "0.00", named rather than built-in).
		'xl/styles.xml': XML +
		    `<styleSheet xmlns="${NS}spreadsheetml/2006/main">` +
		    '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.00"/></numFmts>' +
		    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>' +
		    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
		    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
		    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
		    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
		    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>' +
		    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
		    '</styleSheet>',
		'xl/worksheets/sheet1.xml': XML +
		    `<worksheet xmlns="${NS}spreadsheetml/2006/main">` +
		    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
		    '<sheetData>' + sheetRows.join('') + '</sheetData></worksheet>',
	};
	return zip(Object.entries(files).map(([name, text]) =>
	    ({ name, data: enc.encode(text) })));
}
