#!/usr/bin/env python3
"""Checks the import graph of src/: no folder imports a folder later in the pipeline, and no
two files import each other through a circle; and that no production function is longer than
120 lines.

    python3 scripts/import-graph.py [--list]

Reads every `crate::…` and `super::…` path in the production code of each file (everything
before its first `#[cfg(test)]`), resolves it to the module file that defines it, and reports
1. a top-level module importing one ranked later in LAYERS (a back arrow), and
2. cycles between files (strongly connected components of more than one file).
3. production functions (before the first `#[cfg(test)]` of their file) longer than
   MAX_FUNCTION_LINES, from the `fn` line to the closing brace, but those in LONG_FUNCTIONS.
Exits 1 when it finds any. `--list` prints the folder-level edges.
"""

import os
import re
import sys

# The order of the house, earliest first: a module may import only modules on its own line or
# an earlier one. (`output` holds the output files and the sink that render and search write
# into; `pipeline` is the front half that build, check and serve share; `media` plans photos
# for the loader and makes their copies for the build.)
LAYERS = [
    {"error", "text", "yaml", "vocabulary"},
    {"markdown"},
    {"config"},
    {"media"},
    {"content"},
    {"site"},
    {"output"},
    {"render"},
    {"search"},
    {"pipeline"},
    {"check"},
    {"build"},
    {"scaffold", "import", "fuzz"},
    {"desk"},
    {"serve"},
]
RANK = {m: i for i, layer in enumerate(LAYERS) for m in layer}

# No production function longer than this: a longer one is split into named steps.
MAX_FUNCTION_LINES = 120

# Functions allowed to stay longer for now, by file and name. They are in src/markdown/, which
# another piece of work is changing (issue 13 leaves their split to it); remove each entry
# when its function is split.
LONG_FUNCTIONS = {
    ("markdown/mod.rs", "fragment"),
}

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def module_files():
    """Module path (tuple) -> file path, for every file under src/ but lib.rs and main.rs."""
    mods = {}
    for dirpath, _, files in os.walk(ROOT):
        for f in files:
            if not f.endswith(".rs") or f == "main.rs":
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), ROOT)
            parts = rel[:-3].split(os.sep)
            if parts[-1] == "mod":
                parts = parts[:-1]
            if parts == ["lib"]:
                continue
            mods[tuple(parts)] = rel
    return mods


def expand(text, i):
    """Expands the path tree starting at text[i] (after `crate::`): returns (paths, end)."""
    paths = []
    prefix = []
    ident = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*")
    while i < len(text):
        if text[i] == "{":
            i += 1
            while True:
                sub, i = expand(text, i)
                paths.extend(prefix + p for p in sub)
                while i < len(text) and text[i] in " \n\t":
                    i += 1
                if i < len(text) and text[i] == ",":
                    i += 1
                    while i < len(text) and text[i] in " \n\t":
                        i += 1
                    if i < len(text) and text[i] == "}":
                        return paths, i + 1
                    continue
                return paths, i + 1
        m = ident.match(text, i)
        if not m:
            break
        prefix.append(m.group(1))
        i = m.end()
        if text.startswith("::", i):
            i += 2
            continue
        break
    if prefix:
        paths.append(prefix)
    return paths, i


def imports(rel, text, mods):
    here = rel[:-3].split(os.sep)
    if here[-1] == "mod":
        here = here[:-1]
    found = set()
    for m in re.finditer(r"\b(crate|super)::", text):
        paths, _ = expand(text, m.end())
        for p in paths:
            if m.group(1) == "crate":
                full = p
            else:
                base = here[:-1]
                while p and p[0] == "super":
                    base, p = base[:-1], p[1:]
                full = base + p
            for n in range(len(full), 0, -1):
                key = tuple(full[:n])
                if key in mods:
                    if mods[key] != rel:
                        found.add(mods[key])
                    break
    return found


def blank_literals(text):
    """The text with comments, string and char literals blanked (line breaks kept), so that
    braces in them do not count."""
    out = []
    i, n = 0, len(text)
    raw = re.compile(r'b?r(#*)"')
    char = re.compile(r"'(\\.[^']*|[^\\'])'")
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif (m := raw.match(text, i)) and not (i and (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = '"' + m.group(1)
            j = text.find(end, m.end())
            j = n if j < 0 else j + len(end)
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
        elif m := char.match(text, i):
            j = m.end()
        else:
            out.append(text[i])
            i += 1
            continue
        out.append(re.sub(r"[^\n]", " ", text[i:j]))
        i = j
    return "".join(out)


def long_functions(rel, text):
    """(name, first line, length) of each function in `text` longer than MAX_FUNCTION_LINES."""
    code = blank_literals(text)
    found = []
    for m in re.finditer(r"\bfn\s+([A-Za-z_][A-Za-z0-9_]*)", code):
        # The body opens at the first `{` outside the signature's brackets; a `;` first
        # means a declaration without a body.
        i, depth = m.end(), 0
        while i < len(code):
            c = code[i]
            if c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
            elif c in "{;" and depth == 0:
                break
            i += 1
        if i >= len(code) or code[i] == ";":
            continue
        depth = 0
        for j in range(i, len(code)):
            if code[j] == "{":
                depth += 1
            elif code[j] == "}":
                depth -= 1
                if depth == 0:
                    break
        first = code.count("\n", 0, m.start()) + 1
        length = code.count("\n", m.start(), j) + 1
        if length > MAX_FUNCTION_LINES and (rel.replace(os.sep, "/"), m.group(1)) not in LONG_FUNCTIONS:
            found.append((m.group(1), first, length))
    return found


def main():
    mods = module_files()
    graph = {}
    problems = 0
    for rel in sorted(set(mods.values())):
        with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
            text = f.read()
        text = text.split("#[cfg(test)]")[0]
        for name, line, length in long_functions(rel, text):
            print(f"long function: src/{rel}:{line}: fn {name} is {length} lines (at most {MAX_FUNCTION_LINES}; split it into named steps)")
            problems += 1
        text = re.sub(r"//[^\n]*", "", text)
        graph[rel] = imports(rel, text, mods)

    def top(rel):
        return rel.split(os.sep)[0].removesuffix(".rs")

    edges = {}
    for a, bs in graph.items():
        for b in bs:
            ta, tb = top(a), top(b)
            if ta != tb:
                edges.setdefault((ta, tb), []).append((a, b))
    for (ta, tb), files in sorted(edges.items()):
        if ta not in RANK or tb not in RANK:
            print(f"unranked module: {ta if ta not in RANK else tb} (add it to LAYERS)")
            problems += 1
        elif RANK[tb] > RANK[ta]:
            problems += 1
            print(f"back arrow: {ta} imports {tb}: " + ", ".join(f"{a} -> {b}" for a, b in files))
    if "--list" in sys.argv:
        for (ta, tb) in sorted(edges):
            print(f"{ta} -> {tb}")

    # Tarjan's strongly connected components.
    index, low, stack, on, sccs = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    for comp in sccs:
        problems += 1
        print("file circle: " + " <-> ".join(comp))
    if problems:
        print(f"{problems} problem(s)")
        return 1
    print(
        f"import graph ok: {len(graph)} files, no back arrows, no file circles, "
        f"no function over {MAX_FUNCTION_LINES} lines"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
