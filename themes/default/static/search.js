/* wenming site search. Plain ES5 with XMLHttpRequest, so it runs in WeChat and old Android
   WebViews; it only fetches files of this site. The index format is in docs/search.md;
   folding and tokens follow src/search/fold.rs and tokenize.rs exactly. In node (tests) the
   engine is exported; in a browser it is window.wenmingSearch and runs the search page. */
(function (root) {
  'use strict';

  var FORMAT = 1, PAGE_SIZE = 10, EXCERPT = 80, MAX_QUERY = 100;

  function dict() { return Object.create(null); }

  // ---- Folding and tokens ----

  function Folder(traditional) {
    this.map = dict();
    for (var i = 0; i + 1 < traditional.length; i += 2) {
      this.map[traditional.charAt(i)] = traditional.charAt(i + 1);
    }
  }

  // Folds one UTF-16 unit: full-width to ASCII, lowercase, Traditional to Simplified.
  Folder.prototype.fold = function (c) {
    var code = c.charCodeAt(0);
    if (code >= 0xFF01 && code <= 0xFF5E) code -= 0xFEE0;
    else if (code === 0x3000) code = 32;
    if (code >= 65 && code <= 90) return String.fromCharCode(code + 32);
    if (code < 128) return String.fromCharCode(code);
    if (isLatin(code)) {
      var lower = c.toLowerCase();
      return lower.length === 1 ? lower : c;
    }
    return this.map[c] || c;
  };

  Folder.prototype.text = function (s) {
    var out = '';
    for (var i = 0; i < s.length; i++) out += this.fold(s.charAt(i));
    return out;
  };

  function isLatin(cp) { return cp >= 0xC0 && cp <= 0x24F && cp !== 0xD7 && cp !== 0xF7; }
  function isWord(cp) { return (cp >= 48 && cp <= 57) || (cp >= 97 && cp <= 122) || isLatin(cp); }
  function isHan(cp) {
    return cp === 0x3007 || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F);
  }

  // Tokens of a text: {key, pos}; a separator skips one position.
  function tokenize(folder, text) {
    var tokens = [], pos = 0, separated = false, word = '';
    function push(key) {
      if (separated && tokens.length) pos++;
      separated = false;
      tokens.push({ key: key, pos: pos++ });
    }
    for (var i = 0; i < text.length; i++) {
      var c = folder.fold(text.charAt(i)), cp = c.charCodeAt(0), low = text.charCodeAt(i + 1);
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
  function parseQuery(folder, query) {
    var tokens = tokenize(folder, query.slice(0, MAX_QUERY)), terms = [], seen = dict(), start = 0;
    for (var i = 1; i <= tokens.length; i++) {
      if (i < tokens.length && tokens[i].pos === tokens[i - 1].pos + 1) continue;
      var keys = [];
      for (var j = start; j < i; j++) keys.push(tokens[j].key);
      start = i;
      var text = keys.join('');
      if (!keys.length || seen[text]) continue;
      seen[text] = true;
      var lookups = [], last = keys.length - 2;
      if (keys.length === 1) lookups.push({ key: text, offset: 0 });
      for (var o = 0; o <= last; o += 2) lookups.push({ key: keys[o] + keys[o + 1], offset: o });
      if (last > 0 && last % 2) lookups.push({ key: keys[last] + keys[last + 1], offset: last });
      terms.push({ text: text, lookups: lookups });
    }
    return terms;
  }

  // ---- The index files ----

  function utf8(s) { return unescape(encodeURIComponent(s)); }

  // FNV-1a (32 bit) of the key's UTF-8 bytes, modulo the number of shards.
  function shardOf(key, shards) {
    var bytes = utf8(key), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes.charCodeAt(i);
      h = ((h << 24) + h * 403) >>> 0; // h * 16777619 modulo 2^32, exactly
    }
    return h % shards;
  }

  function Reader(bytes, at) { this.bytes = bytes; this.at = at || 0; }
  Reader.prototype.next = function () {
    var n = 0, scale = 1, b;
    do { b = this.bytes[this.at++]; n += (b & 127) * scale; scale *= 128; } while (b >= 128);
    return n;
  };

  // A terms file: key (as UTF-8 bytes in a string) → where its page list and positions are.
  function readTerms(bytes) {
    var r = new Reader(bytes), count = r.next(), entries = dict(), pos = 0;
    for (var i = 0; i < count; i++) {
      var length = r.next(), key = String.fromCharCode.apply(null, bytes.subarray(r.at, r.at + length));
      r.at += length;
      length = r.next();
      var entry = { bytes: bytes, list: r.at, pos: pos };
      r.at += length;
      pos += r.next();
      entries[key] = entry;
    }
    return entries;
  }

  function readList(entry) {
    var r = new Reader(entry.bytes, entry.list), n = r.next(), ids = [], title = [], id = -1;
    for (var i = 0; i < n; i++) {
      var v = r.next();
      id += Math.floor(v / 2) + 1;
      ids.push(id);
      title.push(v % 2 === 1);
    }
    return { ids: ids, title: title };
  }

  function readPositions(r) {
    var n = r.next(), out = dict(), p = 0;
    for (var i = 0; i < n; i++) { p += r.next(); out[p] = true; }
    return out;
  }

  // Title and body positions of a pair, for the pages in `wanted`.
  function positionsOf(lookup, bytes, wanted) {
    var r = new Reader(bytes, lookup.entry.pos), list = lookup.list, out = dict();
    for (var i = 0; i < list.ids.length; i++) {
      var t = list.title[i] ? readPositions(r) : dict(), b = readPositions(r);
      if (wanted[list.ids[i]]) out[list.ids[i]] = [t, b];
    }
    return out;
  }

  // ---- Searching ----

  // `load(path, binary, callback(error, data), fresh)` fetches a file of the index folder.
  function Searcher(load) { this.load = load; this.files = dict(); this.pages = dict(); }

  Searcher.prototype.ready = function (done) {
    var self = this;
    if (self.meta) return done(null);
    self.load('index.json', false, function (error, text) {
      var meta;
      try { meta = error ? null : JSON.parse(text); } catch (e) { error = e; }
      if (!error && meta.format !== FORMAT) error = new Error('index format ' + meta.format);
      if (error) return done(error);
      self.meta = meta;
      self.folder = new Folder(meta.traditional);
      done(null);
    }, true);
  };

  // Loads the binary files in `paths` not loaded yet, then calls done(error).
  Searcher.prototype.fetch = function (paths, done) {
    var self = this, waiting = 1, failed = null, asked = dict();
    function finish(error) {
      failed = failed || error;
      if (--waiting === 0) done(failed);
    }
    paths.forEach(function (path) {
      if (self.files[path] || asked[path]) return;
      asked[path] = true;
      waiting++;
      self.load(path + '?v=' + self.meta.version, true, function (error, bytes) {
        if (!error) self.files[path] = path.charAt(0) === 't' ? readTerms(bytes) : bytes;
        finish(error);
      });
    });
    finish(null);
  };

  // Finds the pages matching every term; done(error, {terms, results: [{id, score}]}), best
  // first. A term scores 3 as a phrase in the title, 2 as a phrase in the body, 1 when its
  // pieces are all there but apart; newer pages (higher ids) come first among equals.
  Searcher.prototype.search = function (query, done) {
    var self = this;
    self.ready(function (error) {
      if (error) return done(error);
      var terms = parseQuery(self.folder, query), shards = self.meta.shards, paths = [];
      each(terms, function (l) {
        l.shard = shardOf(l.key, shards);
        paths.push('terms/' + l.shard + '.bin');
      });
      self.fetch(paths, function (error) {
        if (error) return done(error);
        var missing = false;
        paths = [];
        each(terms, function (l, term) {
          l.entry = self.files['terms/' + l.shard + '.bin'][utf8(l.key)];
          if (!l.entry) { missing = true; return; }
          l.list = readList(l.entry);
          if (term.lookups.length > 1) paths.push('positions/' + l.shard + '.bin');
        });
        if (missing || !terms.length) return done(null, { terms: terms, results: [] });
        self.fetch(paths, function (error) {
          if (error) return done(error);
          done(null, { terms: terms, results: rank(terms, self.files) });
        });
      });
    });
  };

  function each(terms, f) {
    terms.forEach(function (term) { term.lookups.forEach(function (l) { f(l, term); }); });
  }

  function rank(terms, files) {
    var scores = null;
    terms.forEach(function (term) {
      var levels = termLevels(term, files), next = dict();
      for (var id in levels) {
        if (!scores || scores[id] !== undefined) next[id] = (scores ? scores[id] : 0) + levels[id];
      }
      scores = next;
    });
    var results = [];
    for (var id in scores) results.push({ id: +id, score: scores[id] });
    return results.sort(function (a, b) { return b.score - a.score || b.id - a.id; });
  }

  function termLevels(term, files) {
    var lookups = term.lookups, levels = dict(), i, id, count = dict();
    if (lookups.length === 1) {
      var list = lookups[0].list;
      for (i = 0; i < list.ids.length; i++) levels[list.ids[i]] = list.title[i] ? 3 : 2;
      return levels;
    }
    lookups.forEach(function (l) {
      l.list.ids.forEach(function (id) { count[id] = (count[id] || 0) + 1; });
    });
    var wanted = dict();
    for (id in count) if (count[id] === lookups.length) wanted[id] = true;
    var positions = lookups.map(function (l) {
      return positionsOf(l, files['positions/' + l.shard + '.bin'], wanted);
    });
    for (id in wanted) {
      levels[id] = isPhrase(lookups, positions, id, 0) ? 3 : isPhrase(lookups, positions, id, 1) ? 2 : 1;
    }
    return levels;
  }

  // Whether the pairs stand at their offsets from one start in field 0 (title) or 1 (body).
  function isPhrase(lookups, positions, id, field) {
    for (var p in positions[0][id][field]) {
      var all = true;
      for (var j = 1; j < lookups.length && all; j++) {
        all = positions[j][id][field][+p + lookups[j].offset] === true;
      }
      if (all) return true;
    }
    return false;
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

  // ---- Highlighting ----

  // Where the terms (or, for terms not found whole, their pairs) occur in `text`: sorted,
  // merged [start, end) ranges. Latin words match only as whole words.
  function findMarks(folder, text, terms) {
    var folded = folder.text(text), ranges = [], merged = [];
    terms.forEach(function (term) {
      var needles = [term.text];
      if (term.lookups.length > 1 && folded.indexOf(term.text) < 0) {
        term.lookups.forEach(function (l) { needles.push(l.key); });
      }
      needles.forEach(function (needle) {
        for (var at = folded.indexOf(needle); at >= 0; at = folded.indexOf(needle, at + 1)) {
          var end = at + needle.length;
          if (!(wordAt(folded, at) && wordAt(folded, at - 1)) && !(wordAt(folded, end - 1) && wordAt(folded, end))) {
            ranges.push([at, end]);
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

  function wordAt(s, i) { return i >= 0 && i < s.length && isWord(s.charCodeAt(i)); }

  // The part of a text to show: EXCERPT characters starting a little before the first mark.
  function excerptRange(length, marks) {
    var start = marks.length ? Math.max(0, marks[0][0] - 20) : 0, end = Math.min(length, start + EXCERPT);
    return [Math.max(0, Math.min(start, end - EXCERPT)), end];
  }

  // ---- The search page ----

  function ui(doc, location) {
    var list = doc.getElementById('search-results'), status = doc.getElementById('search-status');
    var input = doc.getElementById('search-query');
    if (!list || !status || !input) return;
    var base = list.getAttribute('data-index'), query = readQuery(location.search), shown = 0, more;
    input.value = query;
    function say(text, link) {
      status.innerHTML = '';
      status.appendChild(doc.createTextNode(text));
      if (link) {
        var a = el('a', link[0]);
        a.href = list.getAttribute('data-sitemap');
        status.appendChild(a);
        status.appendChild(doc.createTextNode(link[1]));
      }
    }
    function el(name, text, className) {
      var e = doc.createElement(name);
      if (text) e.appendChild(doc.createTextNode(text));
      if (className) e.className = className;
      return e;
    }
    // Text with the marked ranges in <mark>, cut to [from, to).
    function marked(parent, text, marks, from, to) {
      var at = from;
      if (from > 0) parent.appendChild(doc.createTextNode('…'));
      marks.forEach(function (m) {
        var s = Math.max(m[0], at), e = Math.min(m[1], to);
        if (s >= e) return;
        parent.appendChild(doc.createTextNode(text.slice(at, s)));
        parent.appendChild(el('mark', text.slice(s, e)));
        at = e;
      });
      parent.appendChild(doc.createTextNode(text.slice(at, to) + (to < text.length ? '…' : '')));
      return parent;
    }
    if (!query.replace(/\s/g, '')) return say('请输入要搜索的内容。');
    doc.title = '“' + query + '”的搜索结果 - ' + doc.title;
    say('正在搜索……');
    var searcher = new Searcher(function (path, binary, done, fresh) {
      var x = new XMLHttpRequest();
      x.open('GET', base + path, true);
      if (binary) x.responseType = 'arraybuffer';
      if (fresh) x.setRequestHeader('Cache-Control', 'no-cache');
      x.onload = function () {
        if (x.status !== 200) return done(new Error(x.status + ' ' + path));
        done(null, binary ? new Uint8Array(x.response) : x.responseText);
      };
      x.onerror = function () { done(new Error('network ' + path)); };
      x.send();
    });
    var failed = ['网站地图', '查找。'];
    searcher.search(query, function (error, found) {
      if (error) return say('搜索暂时无法使用，请稍后再试，或在', failed);
      var results = found.results, sections = searcher.meta.sections, folder = searcher.folder;
      if (!results.length) {
        return say('没有找到与“' + query + '”相关的内容。请检查是否有错别字、换个说法，或浏览', ['网站地图', '。']);
      }
      function showMore() {
        var batch = results.slice(shown, shown + PAGE_SIZE), records = [], waiting = batch.length;
        shown += batch.length;
        batch.forEach(function (r, i) {
          searcher.page(r.id, function (error, record) {
            records[i] = record;
            if (--waiting) return;
            if (records.indexOf(undefined) >= 0) return say('搜索结果加载失败，请稍后再试，或在', failed);
            var first = null;
            records.forEach(function (page) {
              var item = el('li', '', 'search-result'), h = el('h2'), a = el('a');
              a.href = page.url;
              marked(a, page.title, findMarks(folder, page.title, found.terms), 0, page.title.length);
              h.appendChild(a);
              item.appendChild(h);
              var meta = el('p', sections[page.section] || '', 'search-result-meta');
              if (page.date) {
                meta.appendChild(doc.createTextNode(' · '));
                meta.appendChild(el('time', page.date));
              }
              item.appendChild(meta);
              var text = page.text.replace(/\s+/g, ' '), marks = findMarks(folder, text, found.terms);
              var range = excerptRange(text.length, marks);
              item.appendChild(marked(el('p', '', 'search-result-excerpt'), text, marks, range[0], range[1]));
              list.appendChild(item);
              first = first || a;
            });
            say('“' + query + '”共找到 ' + results.length + ' 条结果' +
              (shown < results.length ? '，显示前 ' + shown + ' 条。' : '。'));
            if (more) more.parentNode.removeChild(more);
            more = null;
            if (shown < results.length) {
              more = el('button', '显示更多结果', 'search-more');
              more.type = 'button';
              more.onclick = function () { more.disabled = true; showMore(); };
              list.parentNode.insertBefore(more, list.nextSibling);
            }
            if (shown > PAGE_SIZE) first.focus();
          });
        });
      }
      showMore();
    });
  }

  function readQuery(search) {
    var parts = search.replace(/^\?/, '').split('&');
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].slice(0, 2) !== 'q=') continue;
      try { return decodeURIComponent(parts[i].slice(2).replace(/\+/g, ' ')); } catch (e) { return ''; }
    }
    return '';
  }

  var engine = {
    Folder: Folder, tokenize: tokenize, parseQuery: parseQuery, shardOf: shardOf,
    Searcher: Searcher, findMarks: findMarks, excerptRange: excerptRange
  };
  if (typeof module === 'object' && module.exports) {
    module.exports = engine;
  } else {
    root.wenmingSearch = engine;
    ui(root.document, root.location);
  }
})(this);
