// SPDX-License-Identifier: GPL-2.0
// The e2e tests' Node.js program: the same commands as app.py.
'use strict';
const readline = require('readline');
const usdt = require('scry_usdt');

const KEYS = ['GET /', 'POST /api', 'DELETE /x'];
const p = new usdt.Provider('app');
const req = p.probe('request', Number, String);
p.load();
console.log(`ready ${process.pid} ${p.path}`);

let spin = null;
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
	const cmd = line.split(/\s+/).filter(Boolean);
	if (spin) {
		clearInterval(spin);
		spin = null;
	}
	if (!cmd.length) return;
	if (cmd[0] === 'enabled') {
		console.log(`enabled: ${req.enabled ? 'True' : 'False'}`);
	} else if (cmd[0] === 'fire') {
		const n = Number(cmd[1]);
		for (let i = 0; i < n; i++) if (req.enabled) req.fire(i, KEYS[i % 3]);
		console.log(`fired ${n}`);
	} else if (cmd[0] === 'spin') {
		let i = 0;
		spin = setInterval(() => { for (let k = 0; k < 1000; k++, i++) req.fire(i, KEYS[i % 3]); }, 0);
		console.log('spinning');
	} else if (cmd[0] === 'add') {
		p.unload();
		p.probe(cmd[1], 'int32');
		p.load();
		console.log(`added ${cmd[1]} ${p.path}`);
	} else if (cmd[0] === 'exit') {
		rl.close();
	}
});
rl.on('close', () => {
	if (spin) clearInterval(spin);
	p.unload();
	console.log('bye');
});
