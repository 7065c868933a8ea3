// SPDX-License-Identifier: GPL-2.0
// node --test lib/usdt/node/test/ (NODE_PATH=build/lib/node).  No root needed.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const usdt = require('scry_usdt');

test('the issue snippet, in Node.js', () => {
	const p = new usdt.Provider('app');
	const req = p.probe('request', Number, String);
	p.load();
	if (req.enabled) req.fire(5, 'GET /');
	p.unload();
});

test('load, fire, unload', () => {
	const p = new usdt.Provider('n_load');
	const req = p.probe('request', Number, String);
	assert.strictEqual(p.path, null);
	assert.strictEqual(req.enabled, false);
	p.load();
	assert.match(p.path, new RegExp(`^/proc/${process.pid}/fd/\\d+$`));
	assert.match(fs.readFileSync('/proc/self/maps', 'utf8'), /memfd:scry-usdt-n_load \(deleted\)/);
	assert.strictEqual(req.enabled, false);
	for (let i = 0; i < 1000; i++) req.fire(i, 'GET /');
	req.fire(1n, 'x'.repeat(10000));	// BigInt, a long string
	p.unload();
	assert.strictEqual(p.path, null);
	assert.doesNotMatch(fs.readFileSync('/proc/self/maps', 'utf8'), /scry-usdt-n_load/);
	assert.strictEqual(req.enabled, false);
	assert.throws(() => req.fire(1, 'x'), /not loaded/);
});

test('every type, twelve arguments, readelf sees the notes', () => {
	const p = new usdt.Provider('n_all');
	const t = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'string',
		'int8', 'int32', 'int64'];
	const pr = p.probe('all', ...t);
	p.load();
	pr.fire(-1, 255, -2, 65535, -3, 4000000000, -4, 2n ** 64n - 1n, 's', -128, -5, -6);
	let out = '';
	try {
		out = execFileSync('readelf', ['-n', p.path], { encoding: 'utf8' });
	} catch (e) {
		out = null;
	}
	if (out !== null) {
		assert.match(out, /Provider: n_all/);
		assert.match(out, /Arguments: -1@%rdi 1@%rsi -2@%rdx 2@%rcx -4@%r8 4@%r9 -8@8\(%rsp\) 8@16\(%rsp\) 8@24\(%rsp\) -1@32\(%rsp\) -4@40\(%rsp\) -8@48\(%rsp\)/);
	}
	assert.throws(() => pr.fire(1), RangeError);
	assert.throws(() => pr.fire(...Array(11).fill(0), 5), TypeError);	// 5 for a string
	p.unload();
});

test('errors are exceptions with the library message', () => {
	assert.throws(() => new usdt.Provider('bad name'), /letters, digits/);
	const p = new usdt.Provider('n_err');
	p.probe('a', Number);
	assert.throws(() => p.probe('a'), /has a probe 'a' already/);
	assert.throws(() => p.probe('b', ...Array(13).fill(Number)), /at most 12/);
	assert.throws(() => p.probe('c', Date), /unknown argument type/);
	p.load();
	assert.throws(() => p.load(), /loaded already/);
	assert.throws(() => p.probe('d'), /unload it to add/);
	p.unload();
});

test('unload, add, load again', () => {
	const p = new usdt.Provider('n_reload');
	const a = p.probe('a', Number);
	for (let i = 0; i < 20; i++) {
		p.load();
		a.fire(i);
		p.unload();
	}
	const b = p.probe('b', String);
	p.load();
	b.fire('late');
	p.unload();
});
