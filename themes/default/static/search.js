/* wenming site search, ES5 for WeChat and old Android WebViews. Index format: docs/search.md;
   folding and tokens as in src/search/. Runs the search page; window.wenmingSearch is the API. */
(function (root) {
'use strict';

var FORMAT = 2, PAGE_SIZE = 10, EXCERPT = 80, MAX_QUERY = 100;

function dict() { return Object.create(null); }

var simplified = dict();

// Takes the Traditional→Simplified pairs from index.json.
function useTraditional(pairs) {
  for (var i = 0; i + 1 < pairs.length; i += 2) simplified[pairs[i]] = pairs[i + 1];
}

// Folds one UTF-16 unit: full-width to ASCII, lowercase, Traditional to Simplified.
function fold(c) {
  var code = c.charCodeAt(0);
  if (code >= 0xFF01 && code <= 0xFF5E) code -= 0xFEE0;
  else if (code === 0x3000) code = 32;
  if (code < 128) return String.fromCharCode(code).toLowerCase();
  var lower = c.toLowerCase();
  return isLatin(code) ? (lower.length === 1 ? lower : c) : simplified[c] || c;
}

function isLatin(cp) { return cp >= 0xC0 && cp <= 0x24F && cp !== 0xD7 && cp !== 0xF7; }
function isWord(cp) { return (cp >= 48 && cp <= 57) || (cp >= 97 && cp <= 122) || isLatin(cp); }
function isHan(cp) {
  return cp === 0x3007 || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
    (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F);
}

// Tokens of a text: {key, pos}; a separator skips one position.
function tokenize(text) {
  var tokens = [], pos = 0, separated = false, word = '';
  function push(key) {
    if (separated && tokens.length) pos++;
    separated = false;
    tokens.push({ key: key, pos: pos++ });
  }
  for (var i = 0; i < text.length; i++) {
    var c = fold(text[i]), cp = c.charCodeAt(0), low = text.charCodeAt(i + 1);
    if (cp >= 0xD800 && cp <= 0xDBFF && low >= 0xDC00 && low <= 0xDFFF) {
      cp = (cp - 0xD800) * 0x400 + low - 0xDC00 + 0x10000;
      c = text.substr(i++, 2);
    }
    if (isWord(cp)) { word += c; continue; }
    if (word) { push(word); word = ''; }
    if (isHan(cp)) push(c); else separated = true;
  }
  if (word) push(word);
  return tokens;
}

// A query's terms: runs of adjacent tokens. A term of one token is looked up alone; a longer
// one by pairs of adjacent tokens that cover it (at offsets 0, 2, 4… and the last pair).
function parseQuery(query) {
  var tokens = tokenize(query.slice(0, MAX_QUERY)), terms = [], run = [];
  for (var i = 0; i < tokens.length; i++) {
    run.push(tokens[i].key);
    if (i + 1 < tokens.length && tokens[i + 1].pos === tokens[i].pos + 1) continue;
    var keys = run, text = keys.join(''), lookups = [], last = keys.length - 2;
    run = [];
    if (keys.length === 1) lookups.push({ key: text, offset: 0 });
    for (var o = 0; o <= last; o += 2) lookups.push({ key: keys[o] + keys[o + 1], offset: o });
    if (last > 0 && last % 2) lookups.push({ key: keys[last] + keys[last + 1], offset: last });
    terms.push({ text: text, lookups: lookups });
  }
  return terms;
}

function utf8(s) { return unescape(encodeURIComponent(s)); }

// The file of `key` by its bucket (FNV-1a-32 of its UTF-8 bytes >>> 16); index.json lists
// where files start, as differences.
function fileOf(key, deltas) {
  var bytes = utf8(key), h = 0x811c9dc5, i, at = 0;
  for (i = 0; i < bytes.length; i++) {
    h ^= bytes.charCodeAt(i);
    h = ((h << 24) + h * 403) >>> 0; // h * 16777619 modulo 2^32, exactly
  }
  for (i = 0; i < deltas.length && (at += deltas[i]) <= h >>> 16; i++);
  return i;
}

function Reader(bytes, at) { this.bytes = bytes; this.at = at || 0; }
Reader.prototype.next = function () {
  var n = 0, scale = 1, b;
  do { b = this.bytes[this.at++]; n += (b & 127) * scale; scale *= 128; } while (b >= 128);
  return n;
};

// A terms file: key (UTF-8 bytes as a string) → where its list and positions are.
function readTerms(bytes) {
  var r = new Reader(bytes), entries = dict();
  for (var n = r.next(), pos = r.next(), length, key; n--;) {
    length = r.next();
    key = String.fromCharCode.apply(null, bytes.subarray(r.at, r.at += length));
    length = r.next();
    entries[key] = { bytes: bytes, list: r.at, pos: pos };
    r.at += length;
    pos += r.next();
  }
  return entries;
}

function readList(entry) {
  var r = new Reader(entry.bytes, entry.list), ids = [], title = [], id = -1;
  for (var n = r.next(), v; n--;) {
    v = r.next();
    ids.push(id += Math.floor(v / 2) + 1);
    title.push(v % 2 === 1);
  }
  return { ids: ids, title: title };
}

// A pair's positions in the `wanted` pages: id → [title, body] sets of positions.
function positionsOf(lookup, bytes, wanted) {
  var r = new Reader(bytes, lookup.entry.pos), list = lookup.list, out = dict();
  function read() {
    for (var n = r.next(), set = dict(), p = 0; n--;) set[p += r.next()] = true;
    return set;
  }
  for (var i = 0; i < list.ids.length; i++) {
    var fields = [list.title[i] ? read() : dict(), read()];
    if (wanted[list.ids[i]]) out[list.ids[i]] = fields;
  }
  return out;
}

// `load(path, binary, done(error, data), fresh)` gets a file of the index folder.
function Searcher(load) { this.load = load; this.files = dict(); this.pages = dict(); }

Searcher.prototype.ready = function (done) {
  var self = this;
  if (self.meta) return done(null);
  self.load('index.json', false, function (error, text) {
    try { self.meta = error ? null : JSON.parse(text); } catch (e) { error = e; }
    if (error || self.meta.format !== FORMAT) return done(error || new Error('index format'));
    useTraditional(self.meta.traditional);
    done(null);
  }, true);
};

// Loads the binary files in `paths` not loaded yet; then done(error).
Searcher.prototype.fetch = function (paths, done) {
  var self = this, waiting = 1, failed = null, asked = dict();
  function finish(error) {
    failed = failed || error;
    if (!--waiting) done(failed);
  }
  paths.forEach(function (path) {
    if (self.files[path] || asked[path]) return;
    asked[path] = ++waiting;
    self.load(path + '?v=' + self.meta.version, true, function (error, bytes) {
      if (!error) self.files[path] = path[0] === 't' ? readTerms(bytes) : bytes;
      finish(error);
    });
  });
  finish(null);
};

// Finds pages with every term: done(error, {terms, results: [{id, score}]}), best first. A
// term scores 3 as a phrase in the title, 2 in the body, 1 in pieces; ties: newer (higher id).
Searcher.prototype.search = function (query, done) {
  var self = this;
  self.ready(function (error) {
    if (error) return done(error);
    var terms = parseQuery(query), paths = [], missing = false;
    each(terms, function (l, term) {
      paths.push(l.terms = 'terms/' + fileOf(l.key, self.meta.terms) + '.bin');
      l.positions = 'positions/' + fileOf(l.key, self.meta.positions) + '.bin';
      if (term.lookups.length > 1) paths.push(l.positions);
    });
    self.fetch(paths, function (error) {
      if (error) return done(error);
      each(terms, function (l) {
        l.entry = self.files[l.terms][utf8(l.key)];
        if (l.entry) l.list = readList(l.entry); else missing = true;
      });
      done(null, { terms: terms, results: missing ? [] : rank(terms, self.files) });
    });
  });
};

function each(terms, f) {
  terms.forEach(function (term) { term.lookups.forEach(function (l) { f(l, term); }); });
}

function rank(terms, files) {
  var scores = null, results = [], id;
  terms.forEach(function (term) {
    var levels = termLevels(term, files), next = dict();
    for (id in levels) if (!scores || scores[id]) next[id] = (scores ? scores[id] : 0) + levels[id];
    scores = next;
  });
  for (id in scores) results.push({ id: +id, score: scores[id] });
  return results.sort(function (a, b) { return b.score - a.score || b.id - a.id; });
}

// Page id → the term's score in that page.
function termLevels(term, files) {
  var lookups = term.lookups, levels = dict(), count = dict(), wanted = dict(), id;
  if (lookups.length === 1) {
    var list = lookups[0].list;
    list.ids.forEach(function (id, i) { levels[id] = list.title[i] ? 3 : 2; });
    return levels;
  }
  lookups.forEach(function (l) {
    l.list.ids.forEach(function (id) { count[id] = (count[id] || 0) + 1; });
  });
  for (id in count) if (count[id] === lookups.length) wanted[id] = true;
  var positions = lookups.map(function (l) {
    return positionsOf(l, files[l.positions], wanted);
  });
  // Whether every pair stands at its offset from one start, in field 0 (title) or 1 (body).
  function phrase(field) {
    for (var p in positions[0][id][field]) {
      for (var j = 1; j < lookups.length && positions[j][id][field][+p + lookups[j].offset]; j++);
      if (j === lookups.length) return true;
    }
    return false;
  }
  for (id in wanted) levels[id] = phrase(0) ? 3 : phrase(1) ? 2 : 1;
  return levels;
}

// The record of page `id` (title, url, section, date, text).
Searcher.prototype.page = function (id, done) {
  var self = this;
  if (self.pages[id]) return done(null, self.pages[id]);
  self.load('pages/' + id + '.json?v=' + self.meta.version, false, function (error, text) {
    try { if (!error) self.pages[id] = JSON.parse(text); } catch (e) { error = e; }
    done(error, self.pages[id]);
  });
};

// Where the terms (or, for terms not found whole, their pairs) occur in `text`: sorted,
// merged [start, end) ranges. Latin words match only as whole words.
function findMarks(text, terms) {
  var folded = text.replace(/[\s\S]/g, fold), ranges = [], merged = [];
  terms.forEach(function (term) {
    var needles = [term.text];
    if (term.lookups.length > 1 && folded.indexOf(term.text) < 0) {
      term.lookups.forEach(function (l) { needles.push(l.key); });
    }
    needles.forEach(function (needle) {
      for (var at = folded.indexOf(needle); at >= 0; at = folded.indexOf(needle, at + 1)) {
        if (!splitsWord(folded, at) && !splitsWord(folded, at + needle.length)) {
          ranges.push([at, at + needle.length]);
        }
      }
    });
  });
  ranges.sort(function (a, b) { return a[0] - b[0]; }).forEach(function (r) {
    var last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]); else merged.push(r);
  });
  return merged;
}

// Whether position i falls inside a word (between two of its letters or digits).
function splitsWord(s, i) { return i > 0 && isWord(s.charCodeAt(i - 1)) && isWord(s.charCodeAt(i)); }

// The search page.
function ui(doc, location) {
  function byId(id) { return doc.getElementById('search-' + id) || {}; }
  var list = byId('results'), status = byId('status'), more = byId('more'), shown = 0;
  var query = readQuery(location.search);
  if (!list.nodeType || !status.nodeType || !more.nodeType) return;
  byId('query').value = query;
  function el(name, className, children) {
    var e = doc.createElement(name);
    if (className) e.className = className;
    append(e, children || []);
    return e;
  }
  function append(parent, children) {
    children.forEach(function (c) { parent.appendChild(c.nodeType ? c : doc.createTextNode(c)); });
    return parent;
  }
  // Sets the status: the message, then with `end` a link to the site map and `end`.
  function say(message, end) {
    var a = el('a', '', ['网站地图']);
    a.href = list.getAttribute('data-sitemap');
    status.innerHTML = '';
    append(status, end ? [message, a, end] : [message]);
  }
  // Appends s[from, to) to `parent`, … where cut, the marked ranges in <mark>.
  function marked(parent, s, marks, from, to) {
    var parts = [from > 0 ? '…' : ''], at = from;
    marks.forEach(function (m) {
      var start = Math.max(m[0], at), end = Math.min(m[1], to);
      if (start >= end) return;
      parts.push(s.slice(at, start), el('mark', '', [s.slice(start, end)]));
      at = end;
    });
    return append(parent, parts.concat(s.slice(at, to) + (to < s.length ? '…' : '')));
  }
  if (!query.replace(/\s/g, '')) return say('请输入要搜索的内容。');
  doc.title = '“' + query + '”的搜索结果 - ' + doc.title;
  say('正在搜索……');
  var base = list.getAttribute('data-index'), searcher = new Searcher(function (path, binary, done, fresh) {
    var x = new XMLHttpRequest();
    x.open('GET', base + path, true);
    if (binary) x.responseType = 'arraybuffer';
    if (fresh) x.setRequestHeader('Cache-Control', 'no-cache');
    x.onload = function () {
      if (x.status !== 200) return done(new Error(x.status + ' ' + path));
      done(null, binary ? new Uint8Array(x.response) : x.responseText);
    };
    x.onerror = done;
    x.send();
  });
  var failed = '搜索暂时无法使用，请稍后再试，或在';
  searcher.search(query, function (error, found) {
    if (error) return say(failed, '查找。');
    var results = found.results;
    if (!results.length) return say('没有找到与“' + query + '”相关的内容。请检查是否有错别字、换个说法，或浏览', '。');
    function show(page) {
      var a = marked(el('a'), page.title, findMarks(page.title, found.terms), 0, page.title.length);
      var meta = [searcher.meta.sections[page.section] || ''];
      // 2026-02-01 as 2026年2月1日, as in the site's lists.
      if (page.date) meta.push(' · ', el('time', '', [page.date.replace(/^(\d+)-0?(\d+)-0?(\d+).*/, '$1年$2月$3日')]));
      // The excerpt starts a little before the first match, never on a space or punctuation.
      var body = page.text.replace(/\s+/g, ' '), marks = findMarks(body, found.terms);
      var end = Math.min(body.length, (marks.length ? Math.max(0, marks[0][0] - 20) : 0) + EXCERPT);
      var start = Math.max(0, end - EXCERPT);
      while (start > 0 && /[\s。，、；：？！”’）》]/.test(body.charAt(start))) start++;
      a.href = page.url;
      list.appendChild(el('li', 'search-result', [el('h2', '', [a]), el('p', 'search-result-meta', meta),
        marked(el('p', 'search-result-excerpt'), body, marks, start, end)]));
      return a;
    }
    // Loads the next PAGE_SIZE records, then shows them in order.
    function showMore() {
      var batch = results.slice(shown, shown + PAGE_SIZE), records = [], waiting = batch.length;
      batch.forEach(function (r, i) {
        searcher.page(r.id, function (error, record) {
          records[i] = record;
          if (--waiting) return;
          if (records.indexOf(undefined) >= 0) return say(failed, '查找。');
          var first = records.map(show)[0];
          if (shown) first.focus();
          shown += batch.length;
          say('“' + query + '”共找到 ' + results.length + ' 条结果' +
            (shown < results.length ? '，显示前 ' + shown + ' 条。' : '。'));
          more.disabled = false;
          more.hidden = shown >= results.length;
        });
      });
    }
    more.onclick = function () { more.disabled = true; showMore(); };
    showMore();
  });
}

function readQuery(search) {
  var m = /(?:^\?|&)q=([^&]*)/.exec(search);
  try { return m ? decodeURIComponent(m[1].replace(/\+/g, ' ')) : ''; } catch (e) { return ''; }
}

var engine = {
  useTraditional: useTraditional, tokenize: tokenize, parseQuery: parseQuery, fileOf: fileOf,
  Searcher: Searcher, findMarks: findMarks
};
if (typeof module === 'object' && module.exports) {
  module.exports = engine;
} else {
  root.wenmingSearch = engine;
  ui(root.document, root.location);
}
})(this);
