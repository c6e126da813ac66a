// QR codes (ISO/IEC 18004) for what the desk prints: a volunteer's
// number on a card, a certificate's JWS. Byte mode, the smallest version
// that holds the text at the level asked, the mask of least penalty; the
// same codes client/qr.c makes with libqrencode, decoded alike.

// Error correction codewords per block, and blocks, by level and version
// (ISO/IEC 18004 table 9); index 0 unused.
const ECC_PER_BLOCK = {
	L: [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24,
	    28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30,
	    30, 30, 30, 30, 30, 30, 30],
	M: [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28,
	    28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
	    28, 28, 28, 28, 28, 28, 28],
};
const BLOCKS = {
	L: [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8,
	    9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22,
	    24, 25],
	M: [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14,
	    16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40,
	    43, 45, 47, 49],
};
const FORMAT_LEVEL = { L: 1, M: 0 };

// Modules of a version left for data and error correction.
function rawModules(ver) {
	let n = (16 * ver + 128) * ver + 64;
	if (ver >= 2) {
		const align = Math.floor(ver / 7) + 2;
		n -= (25 * align - 10) * align - 55;
		if (ver >= 7)
			n -= 36;
	}
	return n;
}

// Data codewords of a version at a level.
function dataCodewords(ver, ecl) {
	return Math.floor(rawModules(ver) / 8) -
	    ECC_PER_BLOCK[ecl][ver] * BLOCKS[ecl][ver];
}

// Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1.
function gfMul(x, y) {
	let z = 0;
	for (let i = 7; i >= 0; i--) {
		z = (z << 1) ^ ((z >>> 7) * 0x11d);
		z ^= ((y >>> i) & 1) * x;
	}
	return z & 0xff;
}

// The Reed-Solomon generator of a degree, highest term left out.
function rsDivisor(degree) {
	const r = new Array(degree).fill(0);
	r[degree - 1] = 1;
	let root = 1;
	for (let i = 0; i < degree; i++) {
		for (let j = 0; j < degree; j++) {
			r[j] = gfMul(r[j], root);
			if (j + 1 < degree)
				r[j] ^= r[j + 1];
		}
		root = gfMul(root, 2);
	}
	return r;
}

// The error correction codewords of data.
function rsRemainder(data, divisor) {
	const r = new Array(divisor.length).fill(0);
	for (const b of data) {
		const factor = b ^ r.shift();
		r.push(0);
		for (let i = 0; i < r.length; i++)
			r[i] ^= gfMul(divisor[i], factor);
	}
	return r;
}

// Centres of the alignment patterns of a version.
function alignments(ver) {
	if (ver === 1)
		return [];
	const n = Math.floor(ver / 7) + 2, size = ver * 4 + 17;
	const step = ver === 32 ? 26 :
	    Math.ceil((ver * 4 + 4) / (n * 2 - 2)) * 2;
	const r = [6];
	for (let pos = size - 7; r.length < n; pos -= step)
		r.splice(1, 0, pos);
	return r;
}

// The codewords of text in byte mode for a version: data, then error
// correction, interleaved by block.
function codewords(bytes, ver, ecl) {
	const bits = [];
	const put = (v, n) => {
		for (let i = n - 1; i >= 0; i--)
			bits.push((v >>> i) & 1);
	};
	put(4, 4);
	put(bytes.length, ver <= 9 ? 8 : 16);
	for (const b of bytes)
		put(b, 8);
	const capacity = dataCodewords(ver, ecl) * 8;
	put(0, Math.min(4, capacity - bits.length));
	put(0, (8 - bits.length % 8) % 8);
	const data = [];
	for (let i = 0; i < bits.length; i += 8)
		data.push(parseInt(bits.slice(i, i + 8).join(''), 2));
	for (let pad = 0xec; data.length < capacity / 8; pad ^= 0xec ^ 0x11)
		data.push(pad);

	const nblocks = BLOCKS[ecl][ver], ecLen = ECC_PER_BLOCK[ecl][ver];
	const raw = Math.floor(rawModules(ver) / 8);
	const nshort = nblocks - raw % nblocks;
	const shortLen = Math.floor(raw / nblocks);
	const divisor = rsDivisor(ecLen);
	const blocks = [];
	for (let i = 0, k = 0; i < nblocks; i++) {
		const dat = data.slice(k, k + shortLen - ecLen +
		    (i < nshort ? 0 : 1));
		k += dat.length;
		const ecc = rsRemainder(dat, divisor);
		if (i < nshort)
			dat.push(0);
		blocks.push(dat.concat(ecc));
	}
	const out = [];
	for (let i = 0; i < blocks[0].length; i++) {
		for (let j = 0; j < blocks.length; j++) {
			if (i !== shortLen - ecLen || j >= nshort)
				out.push(blocks[j][i]);
		}
	}
	return out;
}

// Whether mask m darkens a data module at (x, y).
function masked(m, x, y) {
	switch (m) {
	case 0: return (x + y) % 2 === 0;
	case 1: return y % 2 === 0;
	case 2: return x % 3 === 0;
	case 3: return (x + y) % 3 === 0;
	case 4: return (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0;
	case 5: return x * y % 2 + x * y % 3 === 0;
	case 6: return (x * y % 2 + x * y % 3) % 2 === 0;
	default: return ((x + y) % 2 + x * y % 3) % 2 === 0;
	}
}

// The penalty of a symbol (ISO/IEC 18004 7.8.3): runs, 2x2 blocks,
// finder-like patterns, and the balance of dark and light.
function penalty(m, size) {
	let p = 0, dark = 0;
	const at = (x, y) => m[y][x];
	for (let pass = 0; pass < 2; pass++) {
		for (let a = 0; a < size; a++) {
			let run = 1;
			const line = [];
			for (let b = 0; b < size; b++)
				line.push(pass === 0 ? at(b, a) : at(a, b));
			for (let b = 1; b <= size; b++) {
				if (b < size && line[b] === line[b - 1]) {
					run++;
					continue;
				}
				if (run >= 5)
					p += run - 2;
				run = 1;
			}
			const s = line.map((v) => v ? '1' : '0').join('');
			for (const f of ['10111010000', '00001011101'])
				for (let i = s.indexOf(f); i >= 0; i = s.indexOf(f, i + 1))
					p += 40;
		}
	}
	for (let y = 0; y < size; y++) {
		for (let x = 0; x < size; x++) {
			if (at(x, y))
				dark++;
			if (x + 1 < size && y + 1 < size && at(x, y) === at(x + 1, y) &&
			    at(x, y) === at(x, y + 1) && at(x, y) === at(x + 1, y + 1))
				p += 3;
		}
	}
	const total = size * size;
	return p + 10 * (Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1);
}

// The QR code of text at level ecl ('M' or 'L'): {size, dark(x, y)}, or
// null when even version 40 cannot hold it.
export function encode(text, ecl = 'M') {
	const bytes = Array.from(new TextEncoder().encode(text));
	let ver = 1;
	for (; ver <= 40; ver++) {
		const need = 4 + (ver <= 9 ? 8 : 16) + bytes.length * 8;
		if (need <= dataCodewords(ver, ecl) * 8)
			break;
	}
	if (ver > 40)
		return null;
	const size = ver * 4 + 17;
	const m = Array.from({ length: size }, () => new Array(size).fill(false));
	const fn = Array.from({ length: size }, () => new Array(size).fill(false));
	const set = (x, y, v) => {
		m[y][x] = v;
		fn[y][x] = true;
	};

	for (let i = 0; i < size; i++) {
		set(6, i, i % 2 === 0);
		set(i, 6, i % 2 === 0);
	}
	for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
		for (let dy = -4; dy <= 4; dy++) {
			for (let dx = -4; dx <= 4; dx++) {
				const d = Math.max(Math.abs(dx), Math.abs(dy));
				const x = cx + dx, y = cy + dy;
				if (x >= 0 && x < size && y >= 0 && y < size)
					set(x, y, d !== 2 && d !== 4);
			}
		}
	}
	const al = alignments(ver);
	for (let i = 0; i < al.length; i++) {
		for (let j = 0; j < al.length; j++) {
			if ((i === 0 && j === 0) || (i === 0 && j === al.length - 1) ||
			    (i === al.length - 1 && j === 0))
				continue;
			for (let dy = -2; dy <= 2; dy++)
				for (let dx = -2; dx <= 2; dx++)
					set(al[i] + dx, al[j] + dy,
					    Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
		}
	}
	const format = (mask) => {
		const data = FORMAT_LEVEL[ecl] << 3 | mask;
		let rem = data;
		for (let i = 0; i < 10; i++)
			rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
		const bits = (data << 10 | rem) ^ 0x5412;
		const bit = (i) => ((bits >>> i) & 1) !== 0;
		for (let i = 0; i <= 5; i++)
			set(8, i, bit(i));
		set(8, 7, bit(6));
		set(8, 8, bit(7));
		set(7, 8, bit(8));
		for (let i = 9; i < 15; i++)
			set(14 - i, 8, bit(i));
		for (let i = 0; i < 8; i++)
			set(size - 1 - i, 8, bit(i));
		for (let i = 8; i < 15; i++)
			set(8, size - 15 + i, bit(i));
		set(8, size - 8, true);
	};
	format(0);
	if (ver >= 7) {
		let rem = ver;
		for (let i = 0; i < 12; i++)
			rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
		const bits = ver << 12 | rem;
		for (let i = 0; i < 18; i++) {
			const v = ((bits >>> i) & 1) !== 0;
			const a = size - 11 + i % 3, b = Math.floor(i / 3);
			set(a, b, v);
			set(b, a, v);
		}
	}

	const data = codewords(bytes, ver, ecl);
	let i = 0;
	for (let right = size - 1; right >= 1; right -= 2) {
		if (right === 6)
			right = 5;
		for (let vert = 0; vert < size; vert++) {
			for (let j = 0; j < 2; j++) {
				const x = right - j;
				const up = ((right + 1) & 2) === 0;
				const y = up ? size - 1 - vert : vert;
				if (!fn[y][x] && i < data.length * 8) {
					m[y][x] = ((data[i >>> 3] >>> (7 - (i & 7))) & 1) !== 0;
					i++;
				}
			}
		}
	}

	const apply = (mask) => {
		for (let y = 0; y < size; y++)
			for (let x = 0; x < size; x++)
				if (!fn[y][x] && masked(mask, x, y))
					m[y][x] = !m[y][x];
	};
	let best = 0, least = Infinity;
	for (let mask = 0; mask < 8; mask++) {
		apply(mask);
		format(mask);
		const p = penalty(m, size);
		if (p < least) {
			least = p;
			best = mask;
		}
		apply(mask);
	}
	apply(best);
	format(best);
	return { size, version: ver, dark: (x, y) => m[y][x] };
}

// An SVG of a code with a quiet zone of 4 modules, for the page and paper.
export function svg(code, label) {
	const NS = 'http://www.w3.org/2000/svg';
	const q = 4, n = code.size + 2 * q;
	const el = document.createElementNS(NS, 'svg');
	el.setAttribute('viewBox', `0 0 ${n} ${n}`);
	el.setAttribute('class', 'qr');
	el.setAttribute('role', 'img');
	el.setAttribute('aria-label', label);
	el.setAttribute('shape-rendering', 'crispEdges');
	const bg = document.createElementNS(NS, 'rect');
	bg.setAttribute('width', n);
	bg.setAttribute('height', n);
	bg.setAttribute('fill', '#fff');
	el.append(bg);
	let d = '';
	for (let y = 0; y < code.size; y++)
		for (let x = 0; x < code.size; x++)
			if (code.dark(x, y))
				d += `M${x + q} ${y + q}h1v1h-1z`;
	const path = document.createElementNS(NS, 'path');
	path.setAttribute('d', d);
	path.setAttribute('fill', '#000');
	el.append(path);
	return el;
}
