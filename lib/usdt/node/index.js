// SPDX-License-Identifier: GPL-2.0
//
// scry_usdt: USDT probes declared at run time (libscry-usdt, N-API addon).
//
//   const usdt = require('scry_usdt');
//   const p = new usdt.Provider('app');
//   const req = p.probe('request', Number, String);   // Number = int64, String = C string
//   p.load();
//   if (req.enabled) req.fire(5, 'GET /');
//   p.unload();
//
// Types: Number/BigInt (int64), String, or the names 'int8' 'uint8' 'int16'
// 'uint16' 'int32' 'uint32' 'int64' 'uint64' 'string'.  Tracers attach
// with e.g. `scry -p PID -e 'usdt:*:app:request { ... }'`; p.path is the
// object's path for them (/proc/PID/fd/N).  See docs/usdt-dynamic.md.
'use strict';

const native = (() => {
	try {
		return require('./scry_usdt.node');	// make install, make usdt
	} catch (e) {
		if (e.code !== 'MODULE_NOT_FOUND') throw e;
		return require('./build/Release/scry_usdt.node');	// node-gyp
	}
})();

const TYPES = {
	int8: 1, uint8: 2, int16: 3, uint16: 4, int32: 5, uint32: 6, int64: 7, uint64: 8,
	string: 9,
};

function typeCode(t) {
	if (t === Number || t === BigInt) return TYPES.int64;
	if (t === String) return TYPES.string;
	if (typeof t === 'string' && Object.prototype.hasOwnProperty.call(TYPES, t)) return TYPES[t];
	throw new TypeError(`scry_usdt: unknown argument type ${String(t && t.name || t)}`);
}

const NO_SEMAPHORE = new Uint16Array(1);

class Probe {
	constructor(provider, name, handle, nargs) {
		this.provider = provider;	// keeps the native provider alive
		this.name = name;
		this.nargs = nargs;
		this._h = handle;
		this._sem = NO_SEMAPHORE;
	}

	// true while a tracer is attached: one load of the semaphore, no native call
	get enabled() {
		return this._sem[0] !== 0;
	}

	fire(...args) {
		native.fire(this._h, ...args);
	}

	_loaded(on) {
		const buf = on ? native.semaphore(this._h) : null;

		this._sem = buf ? new Uint16Array(buf) : NO_SEMAPHORE;
		if (on && !buf) {
			// no external buffers in this node: ask the library each time
			Object.defineProperty(this, 'enabled', { get: () => native.enabled(this._h),
				configurable: true });
		}
	}
}

class Provider {
	constructor(name) {
		this.name = name;
		this._h = native.providerNew(name);
		this._probes = [];
		this.loaded = false;
	}

	probe(name, ...types) {
		const pr = new Probe(this, name, native.probeAdd(this._h, name, types.map(typeCode)),
			types.length);

		this._probes.push(pr);
		return pr;
	}

	load() {
		native.load(this._h);
		this.loaded = true;
		for (const pr of this._probes) pr._loaded(true);
	}

	unload() {
		for (const pr of this._probes) pr._loaded(false);
		this.loaded = false;
		native.unload(this._h);
	}

	get path() {
		return native.path(this._h);
	}
}

module.exports = { Provider, Probe, TYPES };
