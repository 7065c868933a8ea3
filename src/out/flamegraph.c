// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "out/flamegraph.h"
#include "util/strbuf.h"

#define FRAME_H 16
#define PAD_TOP 36
#define PAD_BOTTOM 28
#define PAD_SIDE 10
#define CHAR_W 7.0	/* average glyph width at 12px, for truncating labels */
#define MIN_W 0.1	/* narrower frames are not drawn */

/* strcmp(a, b) for a b of blen bytes that is not NUL-terminated */
static int cmp_name(const char *a, const char *b, size_t blen)
{
	int c = strncmp(a, b, blen);

	return c ? c : a[blen] != '\0';
}

static struct fg_node *child_get(struct fg_node *parent, const char *name, size_t len)
{
	struct fg_node **pp, *n;

	/* Children are kept sorted by name: folded output and the SVG come out stable. */
	for (pp = &parent->children; *pp; pp = &(*pp)->next) {
		int c = cmp_name((*pp)->name, name, len);

		if (!c)
			return *pp;
		if (c > 0)
			break;
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->name = strndup(name, len);
	if (!n->name) {
		free(n);
		return NULL;
	}
	n->next = *pp;
	*pp = n;
	return n;
}

int flamegraph_add(struct flamegraph *fg, const char *const *frames, size_t n, uint64_t count)
{
	struct fg_node *node = &fg->root;
	size_t i;

	fg->root.total += count;
	for (i = 0; i < n; i++) {
		node = child_get(node, frames[i], strlen(frames[i]));
		if (!node)
			return -ENOMEM;
		node->total += count;
	}
	return 0;
}

int flamegraph_add_folded(struct flamegraph *fg, const char *line)
{
	const char *sp, *p, *end;
	struct fg_node *node = &fg->root;
	uint64_t count = 0;

	end = line + strcspn(line, "\r\n");
	for (sp = end; sp > line && sp[-1] != ' '; sp--)
		;
	if (sp == line || sp == end)
		return -EINVAL;
	for (p = sp; p < end; p++) {
		if (*p < '0' || *p > '9' || count > UINT64_MAX / 10)
			return -EINVAL;
		count = count * 10 + (uint64_t)(*p - '0');
	}
	end = sp - 1;	/* the space */
	fg->root.total += count;
	for (p = line; p < end;) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		size_t len = semi ? (size_t)(semi - p) : (size_t)(end - p);

		if (len) {
			node = child_get(node, p, len);
			if (!node)
				return -ENOMEM;
			node->total += count;
		}
		p += len + 1;
	}
	return 0;
}

static uint64_t children_total(const struct fg_node *n)
{
	const struct fg_node *c;
	uint64_t t = 0;

	for (c = n->children; c; c = c->next)
		t += c->total;
	return t;
}

static void write_folded(const struct fg_node *n, struct strbuf *path, FILE *f)
{
	const struct fg_node *c;
	uint64_t self = n->total - children_total(n);
	size_t len = path->len;

	if (self && len)
		fprintf(f, "%s %llu\n", path->buf, (unsigned long long)self);
	for (c = n->children; c; c = c->next) {
		if (len)
			strbuf_addch(path, ';');
		strbuf_addstr(path, c->name);
		write_folded(c, path, f);
		path->len = len;
		if (path->buf)
			path->buf[len] = '\0';
	}
}

void flamegraph_write_folded(const struct flamegraph *fg, FILE *f)
{
	struct strbuf path = STRBUF_INIT;

	write_folded(&fg->root, &path, f);
	strbuf_release(&path);
}

static void xml_escape(FILE *f, const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] && i < max; i++) {
		switch (s[i]) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			/* Control characters are not allowed in XML 1.0. */
			fputc((unsigned char)s[i] < 0x20 ? '?' : s[i], f);
		}
	}
}

/* A warm colour derived from the name, so a function keeps its colour across graphs. */
static void frame_color(const char *name, unsigned int *r, unsigned int *g, unsigned int *b)
{
	uint32_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	*r = 205 + (h % 50);
	*g = 80 + ((h >> 8) % 150);
	*b = (h >> 16) % 55;
}

static int max_depth(const struct fg_node *n)
{
	const struct fg_node *c;
	int d = 0;

	for (c = n->children; c; c = c->next) {
		int cd = max_depth(c) + 1;

		if (cd > d)
			d = cd;
	}
	return d;
}

struct svg_ctx {
	FILE *f;
	double width;		/* drawable width */
	int height;
	uint64_t total;
	const char *unit;
};

static void write_frame(const struct svg_ctx *s, const struct fg_node *n, const char *label,
			uint64_t start, int depth)
{
	double x = (double)start / (double)s->total, w = (double)n->total / (double)s->total;
	double px = PAD_SIDE + x * s->width, pw = w * s->width;
	int y = s->height - PAD_BOTTOM - (depth + 1) * FRAME_H;
	unsigned int r, g, b;
	size_t fit, len = strlen(label);
	const struct fg_node *c;
	uint64_t cstart = start;

	if (pw < MIN_W)
		return;
	frame_color(label, &r, &g, &b);
	fprintf(s->f, "<g class=\"f\" data-x=\"%.8f\" data-w=\"%.8f\" data-d=\"%d\" data-n=\"", x, w,
		depth);
	xml_escape(s->f, label, len);
	fprintf(s->f, "\"><title>");
	xml_escape(s->f, label, len);
	fprintf(s->f, " (%llu %s, %.2f%%)</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
		      "fill=\"rgb(%u,%u,%u)\" rx=\"2\"/><text x=\"%.1f\" y=\"%d\">",
		(unsigned long long)n->total, s->unit, 100.0 * w, px, y, pw, FRAME_H - 1, r, g, b,
		px + 3, y + FRAME_H - 5);
	fit = pw > 6 ? (size_t)((pw - 6) / CHAR_W) : 0;
	if (fit >= len)
		xml_escape(s->f, label, len);
	else if (fit >= 3) {
		xml_escape(s->f, label, fit - 2);
		fputs("..", s->f);
	}
	fputs("</text></g>\n", s->f);
	for (c = n->children; c; c = c->next) {
		write_frame(s, c, c->name, cstart, depth + 1);
		cstart += c->total;
	}
}

/* Behaviour of the SVG: details on hover, zoom on click, search. */
static const char svg_script[] =
	"var frames, details, matched, unzoomBtn, searching = null, total_w, pad = 10, char_w = 7;\n"
	"function init(evt) {\n"
	"  frames = document.getElementById('frames');\n"
	"  details = document.getElementById('details').firstChild;\n"
	"  matched = document.getElementById('matched');\n"
	"  unzoomBtn = document.getElementById('unzoom');\n"
	"  total_w = parseFloat(document.documentElement.getAttribute('width')) - 2 * pad;\n"
	"  frames.addEventListener('mouseover', function (e) { var g = frameOf(e.target);\n"
	"    if (g) details.nodeValue = g.getElementsByTagName('title')[0].textContent; });\n"
	"  frames.addEventListener('mouseout', function () { details.nodeValue = ' '; });\n"
	"  frames.addEventListener('click', function (e) { var g = frameOf(e.target); if (g) zoom(g); });\n"
	"  unzoomBtn.addEventListener('click', function () { zoom(null); });\n"
	"  document.getElementById('search').addEventListener('click', function () { searchPrompt(); });\n"
	"  /* The base of the graph is at the bottom: show it first when the graph is taller than the window. */\n"
	"  if (window.scrollTo) window.scrollTo(0, 1e7);\n"
	"  window.addEventListener('keydown', function (e) {\n"
	"    if ((e.ctrlKey || e.metaKey) && e.key === 'f') { e.preventDefault(); searchPrompt(); } });\n"
	"}\n"
	"function frameOf(el) { while (el && el !== frames) { if (el.classList && el.classList.contains('f')) return el; el = el.parentNode; } return null; }\n"
	"function fit(g, w) { var t = g.getElementsByTagName('text')[0], n = g.getAttribute('data-n');\n"
	"  var c = Math.floor((w - 6) / char_w); t.textContent = c >= n.length ? n : (c >= 3 ? n.substring(0, c - 2) + '..' : ''); }\n"
	"function zoom(target) {\n"
	"  var x0 = 0, w0 = 1, d0 = 0, all = frames.getElementsByClassName('f');\n"
	"  if (target) { x0 = +target.getAttribute('data-x'); w0 = +target.getAttribute('data-w'); d0 = +target.getAttribute('data-d'); }\n"
	"  unzoomBtn.setAttribute('class', target ? '' : 'hidden');\n"
	"  for (var i = 0; i < all.length; i++) {\n"
	"    var g = all[i], x = +g.getAttribute('data-x'), w = +g.getAttribute('data-w'), d = +g.getAttribute('data-d');\n"
	"    var r = g.getElementsByTagName('rect')[0], t = g.getElementsByTagName('text')[0];\n"
	"    var inside = x >= x0 - 1e-9 && x + w <= x0 + w0 + 1e-9;\n"
	"    if (!inside && !(d < d0 && x <= x0 + 1e-9 && x + w >= x0 + w0 - 1e-9)) { g.style.display = 'none'; continue; }\n"
	"    g.style.display = '';\n"
	"    var nx = inside ? (x - x0) / w0 : 0, nw = inside ? w / w0 : 1;\n"
	"    g.style.opacity = d < d0 ? 0.5 : 1;\n"
	"    r.setAttribute('x', pad + nx * total_w); r.setAttribute('width', nw * total_w);\n"
	"    t.setAttribute('x', pad + nx * total_w + 3); fit(g, nw * total_w);\n"
	"  }\n"
	"  if (searching) search(searching);\n"
	"}\n"
	"function searchPrompt() { var s = prompt('Search (regular expression)', searching || '');\n"
	"  if (s === null) return; search(s === '' ? null : s); }\n"
	"function search(term) {\n"
	"  var re = null, all = frames.getElementsByClassName('f'), spans = [];\n"
	"  searching = term;\n"
	"  try { if (term) re = new RegExp(term); } catch (e) { alert('bad regular expression: ' + e.message); return; }\n"
	"  for (var i = 0; i < all.length; i++) {\n"
	"    var g = all[i], r = g.getElementsByTagName('rect')[0];\n"
	"    if (!r.hasAttribute('data-fill')) r.setAttribute('data-fill', r.getAttribute('fill'));\n"
	"    if (re && re.test(g.getAttribute('data-n'))) { r.setAttribute('fill', 'rgb(230,0,230)');\n"
	"      spans.push([+g.getAttribute('data-x'), +g.getAttribute('data-w')]); }\n"
	"    else r.setAttribute('fill', r.getAttribute('data-fill'));\n"
	"  }\n"
	"  spans.sort(function (a, b) { return a[0] - b[0]; });\n"
	"  var sum = 0, end = -1;\n"
	"  for (var j = 0; j < spans.length; j++) { var s = spans[j][0], e = s + spans[j][1];\n"
	"    if (s >= end) { sum += e - s; end = e; } else if (e > end) { sum += e - end; end = e; } }\n"
	"  matched.firstChild.nodeValue = re ? 'Matched: ' + (100 * sum).toFixed(2) + '%' : ' ';\n"
	"}\n";

int flamegraph_write_svg(const struct flamegraph *fg, FILE *f, const struct fg_svg_opts *opts)
{
	struct svg_ctx s = { .f = f };
	unsigned int width = opts && opts->width ? opts->width : 1200;
	const char *title = opts && opts->title ? opts->title : "Flame Graph";
	const char *subtitle = opts ? opts->subtitle : NULL;
	struct fg_node all = fg->root;
	int depth = max_depth(&fg->root) + 1;

	s.unit = opts && opts->unit ? opts->unit : "samples";
	s.width = width - 2 * PAD_SIDE;
	s.height = PAD_TOP + (subtitle ? 16 : 0) + depth * FRAME_H + PAD_BOTTOM;
	s.total = fg->root.total ? fg->root.total : 1;

	fprintf(f, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
		   "<svg version=\"1.1\" width=\"%u\" height=\"%d\" viewBox=\"0 0 %u %d\" "
		   "xmlns=\"http://www.w3.org/2000/svg\" onload=\"init(evt)\">\n",
		width, s.height, width, s.height);
	fprintf(f, "<style>\n"
		   "text { font-family: Verdana, sans-serif; font-size: 12px; fill: rgb(0,0,0); }\n"
		   "#title { font-size: 17px; text-anchor: middle; }\n"
		   "#subtitle { text-anchor: middle; fill: rgb(80,80,80); }\n"
		   ".f:hover rect { stroke: black; stroke-width: 0.5; cursor: pointer; }\n"
		   ".f text { pointer-events: none; }\n"
		   "#search, #unzoom { cursor: pointer; }\n"
		   ".hidden { display: none; }\n"
		   "</style>\n");
	fprintf(f, "<script type=\"text/ecmascript\"><![CDATA[\n%s]]></script>\n", svg_script);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%d\" fill=\"rgb(250,250,238)\"/>\n",
		width, s.height);
	fprintf(f, "<text id=\"title\" x=\"%u\" y=\"24\">", width / 2);
	xml_escape(f, title, strlen(title));
	fputs("</text>\n", f);
	if (subtitle) {
		fprintf(f, "<text id=\"subtitle\" x=\"%u\" y=\"44\">", width / 2);
		xml_escape(f, subtitle, strlen(subtitle));
		fputs("</text>\n", f);
	}
	fprintf(f, "<text id=\"unzoom\" class=\"hidden\" x=\"%d\" y=\"24\">Reset Zoom</text>\n", PAD_SIDE);
	fprintf(f, "<text id=\"search\" x=\"%u\" y=\"24\">Search</text>\n", width - PAD_SIDE - 60);
	fprintf(f, "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n", PAD_SIDE, s.height - 10);
	fprintf(f, "<text id=\"matched\" x=\"%u\" y=\"%d\"> </text>\n", width - PAD_SIDE - 140,
		s.height - 10);
	fputs("<g id=\"frames\">\n", f);
	all.total = s.total;
	if (fg->root.total)
		write_frame(&s, &all, "all", 0, 0);
	fputs("</g>\n</svg>\n", f);
	return ferror(f) ? -EIO : 0;
}

static void node_free(struct fg_node *n)
{
	while (n) {
		struct fg_node *next = n->next;

		node_free(n->children);
		free(n->name);
		free(n);
		n = next;
	}
}

void flamegraph_release(struct flamegraph *fg)
{
	node_free(fg->root.children);
	memset(fg, 0, sizeof(*fg));
}
