#!/usr/bin/env python3
"""Writes the hostile-file corpus in server/tests/corpus/: small files that
once could stop or exhaust a server parsing them. Deterministic; run again
to regenerate. Each file's purpose is in CORPUS.md beside them."""
import io, os, zipfile

here = os.path.join(os.path.dirname(__file__), "..", "server", "tests", "corpus")
os.makedirs(here, exist_ok=True)

CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WBRELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def sheet(dimension, cells, prolog=""):
    return ('<?xml version="1.0" encoding="UTF-8"?>' + prolog +
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>')


def cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def workbook(name, sheet_xml, extra=()):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for part, body in [("[Content_Types].xml", CT), ("_rels/.rels", RELS), ("xl/workbook.xml", WB),
                           ("xl/_rels/workbook.xml.rels", WBRELS), ("xl/worksheets/sheet1.xml", sheet_xml), *extra]:
            info = zipfile.ZipInfo(part, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, body)
    write(name, buf.getvalue())


def write(name, data):
    with open(os.path.join(here, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


header = cell("A1", "ref_id") + cell("B1", "title")
# Two cells at the sheet's opposite corners: a dense range of 17 billion cells.
workbook("dense-range.xlsx", sheet("A1:XFD1048576",
         f'<row r="1">{header}</row><row r="1048576">{cell("XFD1048576", "x")}</row>'))
# A dimension that claims the whole sheet, around one row.
workbook("huge-dimension.xlsx", sheet("A1:XFD1048576", f'<row r="1">{header}</row>'))
# 120 MiB of repeated rows, compressed to a few hundred KiB.
row = '<row>' + cell("A2", "R") + cell("B2", "T") + '</row>'
workbook("zip-bomb.xlsx", sheet("A1:B2", f'<row r="1">{header}</row>' + row * (120 * 1024 * 1024 // len(row))))
# Thousands of archive entries.
workbook("many-parts.xlsx", sheet("A1:B1", f'<row r="1">{header}</row>'),
         [(f"xl/media/p{i}.bin", "") for i in range(3000)])
# Entity tricks: a DTD that defines nested entities (billion laughs) and an
# external one; a safe reader neither expands nor fetches them.
laughs = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">' + ''.join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + \
    '<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
workbook("xml-entities.xlsx", sheet("A1:B2", f'<row r="1">{header}</row><row r="2">{cell("A2", "&i;")}{cell("B2", "&ext;")}</row>', laughs))
# 100,000 nested arrays.
write("deep.json", "[" * 100_000 + "]" * 100_000)
# A PDF named .xlsx, and a PDF with a zip appended (a polyglot).
pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
write("wrong-magic.xlsx", pdf)
z = io.BytesIO()
with zipfile.ZipFile(z, "w") as zz:
    zz.writestr(zipfile.ZipInfo("a.txt", date_time=(2026, 1, 1, 0, 0, 0)), "x")
write("polyglot.xlsx", pdf + z.getvalue())
# NUL bytes in a CSV, and in JSON.
write("nul.csv", b"ref_id,title\nA\x00,B\x00\n")
write("nul.json", b'{"catalog":\x00{}}')
print("corpus written to", os.path.normpath(here))
