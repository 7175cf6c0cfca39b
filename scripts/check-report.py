#!/usr/bin/env python3
"""Checks of a `tenure report` directory for scripts/e2e/80-report.sh and scripts/export-notebooks.sh.

    check-report.py inject DATA_DIR OLD=>NEW...     rename segments of a generated dataset
    check-report.py png FILE WIDTH HEIGHT          a Chromium screenshot: size, not blank, has chart colours
    check-report.py escaped REPORT_DIR HOSTILE     hostile labels escaped in HTML, SVG, Markdown, notebook
    check-report.py notebook REPORT_DIR [HOSTILE]  nbformat validation, then execution with nbclient

Prints one line per check; exits 1 on the first failure. Needs only the standard library, except
`notebook` (nbformat, nbclient, ipykernel: scripts/install-test-deps.sh installs them).
"""
import csv
import json
import os
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zlib


def fail(msg):
    print(f"FAIL {msg}")
    sys.exit(1)


def ok(msg):
    print(f"ok   {msg}")


# --- inject ------------------------------------------------------------------------------------

def inject(data_dir, pairs):
    """Renames segments of a generated dataset in customers.csv and transactions.csv; each pair is
    `OLD=>NEW` (NEW may hold quotes, newlines, markup), so the report has to show them escaped."""
    mapping = dict(p.split("=>", 1) for p in pairs)
    seen = set()
    for name in ("customers.csv", "transactions.csv"):
        path = os.path.join(data_dir, name)
        if not os.path.exists(path):
            continue
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        if not rows or "segment" not in rows[0]:
            continue
        k = rows[0].index("segment")
        for r in rows[1:]:
            if r[k] in mapping:
                seen.add(r[k])
                r[k] = mapping[r[k]]
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
    missing = set(mapping) - seen
    if missing:
        fail(f"segments not found in {data_dir}: {sorted(missing)}")
    ok("segments renamed: " + ", ".join(f"{a!r} -> {b!r}" for a, b in mapping.items()))


# --- png ---------------------------------------------------------------------------------------

def read_png(path):
    """Decodes an 8-bit RGB/RGBA, non-interlaced PNG into (width, height, channels, rows of bytes)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path} is not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        fail(f"unexpected PNG format depth={depth} colour={ctype} interlace={interlace}")
    ch = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * ch
    rows, prev, p = [], bytearray(stride), 0
    for _ in range(h):
        ft = raw[p]
        line = bytearray(raw[p + 1:p + 1 + stride])
        p += 1 + stride
        if ft == 1:
            for i in range(ch, stride):
                line[i] = (line[i] + line[i - ch]) & 255
        elif ft == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif ft == 3:
            for i in range(stride):
                left = line[i - ch] if i >= ch else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif ft == 4:
            for i in range(stride):
                a = line[i - ch] if i >= ch else 0
                b = prev[i]
                c = prev[i - ch] if i >= ch else 0
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, ch, rows


def png(path, width, height):
    w, h, ch, rows = read_png(path)
    if (w, h) != (width, height):
        fail(f"screenshot is {w}x{h}, expected {width}x{height}")
    ok(f"screenshot is {w}x{h}")
    colours, inked, chart, total = set(), 0, 0, 0
    # Okabe–Ito / viridis-like chart colours: strongly saturated pixels
    for y in range(0, h, 2):
        r = rows[y]
        for x in range(0, w, 2):
            i = x * ch
            R, G, B = r[i], r[i + 1], r[i + 2]
            total += 1
            colours.add((R >> 3, G >> 3, B >> 3))
            if min(R, G, B) < 200:
                inked += 1
            if max(R, G, B) - min(R, G, B) > 90:
                chart += 1
    ink, sat = inked / total, chart / total
    if len(colours) < 64:
        fail(f"screenshot has only {len(colours)} colours: blank or unstyled")
    if ink < 0.02:
        fail(f"screenshot is nearly blank ({ink:.1%} inked pixels)")
    if sat < 0.005:
        fail(f"screenshot shows no coloured chart marks ({sat:.2%} saturated pixels)")
    ok(f"screenshot not blank: {len(colours)} colours, {ink:.1%} inked, {sat:.1%} chart-coloured pixels")


# --- escaping ----------------------------------------------------------------------------------

def html_escaped(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escaped(report_dir, hostile):
    raw_tag = "<script"
    esc = html_escaped(hostile)
    # HTML page
    html = open(os.path.join(report_dir, "report.html"), encoding="utf-8").read()
    if raw_tag in html.lower():
        fail("report.html contains a raw <script")
    if hostile in html:
        fail("report.html contains the hostile label unescaped")
    if esc not in html:
        fail("report.html does not show the hostile label (escaped) at all")
    if re.search(r"\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html):
        fail("report.html references the network")
    ok(f"report.html: hostile label escaped ({html.count(esc)} times), no <script, no network references")
    # SVG charts: well-formed XML, no raw tag, the label appears escaped in at least one
    charts = os.path.join(report_dir, "charts")
    shown = 0
    for name in sorted(os.listdir(charts)):
        text = open(os.path.join(charts, name), encoding="utf-8").read()
        try:
            ET.fromstring(text.encode("utf-8"))
        except ET.ParseError as e:
            fail(f"charts/{name} is not well-formed XML: {e}")
        if raw_tag in text.lower():
            fail(f"charts/{name} contains a raw <script")
        if esc in text:
            shown += 1
    if shown == 0:
        fail("no chart shows the hostile segment")
    ok(f"charts: {len(os.listdir(charts))} SVGs well-formed, hostile label escaped in {shown}")
    # Markdown
    md = open(os.path.join(report_dir, "report.md"), encoding="utf-8").read()
    if raw_tag in md.lower() or hostile in md:
        fail("report.md contains the hostile label unescaped")
    if "&lt;script&gt;" not in md:
        fail("report.md does not show the hostile label")
    ok("report.md: hostile label escaped")
    # Notebook: markdown cells and rich outputs escaped; code cells are valid Python that mention
    # data only inside string literals
    import ast
    nb = json.load(open(os.path.join(report_dir, "report.ipynb"), encoding="utf-8"))
    for c in nb["cells"]:
        src = "".join(c["source"])
        if c["cell_type"] == "markdown":
            if raw_tag in src.lower():
                fail(f"notebook markdown cell {c['id']} contains a raw <script")
        elif c["cell_type"] == "code":
            try:
                tree = ast.parse(src)
            except SyntaxError as e:
                fail(f"notebook code cell {c['id']} is not valid Python: {e}")
            literals = " ".join(n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str))
            outside = src
            for n in ast.walk(tree):
                if isinstance(n, ast.Constant) and isinstance(n.value, str):
                    outside = outside.replace(ast.get_source_segment(src, n) or "", "")
            if "<" in outside and "script" in outside:
                fail(f"notebook code cell {c['id']} has data outside a string literal")
            for o in c.get("outputs", []):
                for mime, v in o.get("data", {}).items():
                    text = "".join(v) if isinstance(v, list) else str(v)
                    if mime in ("text/html", "image/svg+xml") and raw_tag in text.lower():
                        fail(f"notebook output {mime} of cell {c['id']} contains a raw <script")
    ok("report.ipynb: markdown and outputs escaped, code cells parse, data only in literals")


# --- notebook ----------------------------------------------------------------------------------

def notebook(report_dir, hostile=None):
    import nbformat
    from nbclient import NotebookClient

    path = os.path.join(report_dir, "report.ipynb")
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):
        fail(f"notebook is nbformat {nb.nbformat}.{nb.nbformat_minor}, expected 4.5")
    params = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(params) != 1:
        fail(f"expected one cell tagged parameters, found {len(params)}")
    ok(f"nbformat {nb.nbformat}.{nb.nbformat_minor} valid: {len(nb.cells)} cells, kernel {nb.metadata.kernelspec.name}, parameters cell present")
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": report_dir}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    if errors:
        fail(f"notebook execution produced errors: {errors[0].get('ename')}: {errors[0].get('evalue')}")
    code = [c for c in nb.cells if c.cell_type == "code"]
    tables = [c for c in code if "= load(" in c.source]
    charts = [c for c in code if c.source.startswith("chart(")]
    empty = [c.id for c in tables + charts if not c.outputs]
    if empty:
        fail(f"cells without output after execution: {empty[:5]}")
    ok(f"notebook executed with nbclient: {len(code)} code cells, {len(tables)} tables reloaded with pandas, {len(charts)} charts shown")
    if hostile:
        esc = html_escaped(hostile)
        seen = False
        for c in tables:
            for o in c.outputs:
                h = o.get("data", {}).get("text/html", "")
                if "<script" in h.lower():
                    fail(f"pandas output of {c.id} contains a raw <script")
                seen = seen or esc in h
        if not seen:
            fail("no reloaded table shows the hostile segment")
        ok("pandas outputs show the hostile segment escaped")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "inject":
        inject(args[0], args[1:])
    elif cmd == "png":
        png(args[0], int(args[1]), int(args[2]))
    elif cmd == "escaped":
        escaped(args[0], args[1])
    elif cmd == "notebook":
        notebook(args[0], args[1] if len(args) > 1 else None)
    else:
        fail(f"unknown command {cmd}")
