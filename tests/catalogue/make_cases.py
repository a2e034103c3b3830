#!/usr/bin/python3
"""Writes the bad-input catalogue: one data file per case under csv/, cases.json (what the test
program checks) and the case table of README.md.

Every expected outcome below is written by hand from the rules in the project README ("Bad
input"), not taken from the program. The definition is csv/catalogue.yaml: items q1..q3 on one
scale (1 满意 / 2 基本满意 / 3 不满意 / 4 不了解 = don't know), groups staff/public (员工/群众),
units u1/u2, a weight column, 2 of 3 items needed for a valid ballot. Line numbers count the
header as line 1.

Run it with /usr/bin/python3 from this folder after changing a case; commit what it writes.
"""
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
H = "id,group,unit,weight,q1,q2,q3,comment\n"
OK1 = "r1,staff,u1,1,1,2,3,fine\n"      # scored
OK2 = "r2,public,u2,2,2,2,1,fine\n"     # scored

cases = []


def case(name, covers, data, expect, args=None):
    if isinstance(data, str):
        data = data.encode("utf-8")
    cases.append({"name": name, "covers": covers, "data": data, "args": args or [], "expect": expect})


def rows(read, scored, void=0, rejects=(), **extra):
    """A run that scores: counts, and the rejected rows as (line, id)."""
    out = {"exit": 0, "rows_read": read, "scored": scored, "void": void,
           "rejected": len(rejects), "rejects": [list(r) for r in rejects]}
    out.update(extra)
    return out


def fails(exit_code, error=None, message=None):
    out = {"exit": exit_code}
    if error:
        out["error"] = error
    if message:
        out["message"] = message
    return out


# ---- encoding ---------------------------------------------------------------------------------
case("enc_bom_utf8", "UTF-8 byte-order mark before the header: skipped",
     b"\xef\xbb\xbf" + (H + OK1 + OK2).encode(), rows(2, 2))
case("enc_only_bom", "a file that is only a UTF-8 BOM: no header",
     b"\xef\xbb\xbf", fails(3, "F105", "no header line"))
case("enc_utf16le_bom", "UTF-16 LE with BOM (Excel 'Unicode text'): refused with a hint",
     b"\xff\xfe" + (H + OK1).encode("utf-16-le"), fails(3, "F104", "UTF-16 LE (byte-order mark FF FE)"))
case("enc_utf16be_bom", "UTF-16 BE with BOM: refused",
     b"\xfe\xff" + (H + OK1).encode("utf-16-be"), fails(3, "F104", "save it as UTF-8 CSV"))
case("enc_utf16le_nobom", "UTF-16 LE without BOM: half the bytes are NUL, refused",
     (H + OK1).encode("utf-16-le"), fails(3, "F104", "more than 1 in 8"))
case("enc_utf32le_bom", "UTF-32 LE with BOM: refused",
     b"\xff\xfe\x00\x00" + (H + OK1).encode("utf-32-le"), fails(3, "F104", "UTF-32 LE"))
# "r2,staff,u1,1,1,1,1,caf" is 23 bytes, so the E9 is column 24 of line 3; offset = 38 (header)
# + 25 (OK1) + 23 = 86. Messages show the bad bytes up to the next ASCII byte.
case("enc_latin1", "a Latin-1 byte (é = E9) in a comment: invalid UTF-8 is file-level, with line, column, offset",
     (H + OK1).encode() + b"r2,staff,u1,1,1,1,1,caf\xe9\n",
     fails(3, "F106", "bytes E9 at line 3, column 24 (byte offset 86); qscore reads UTF-8"))
GBK_ROWS = H + "r1,员工,u1,1,满意,基本满意,不满意,好\nr2,群众,u2,1,不了解,满意,满意,中文\n"
# The first non-UTF-8 byte: line 2 is "r1," then 员 = D4 B1 (valid UTF-8 by accident), then
# 工 = B9 A4: B9 is a stray continuation byte at column 6 (r1, = 3 bytes, D4 B1 = 2 more),
# offset 38 + 5 = 43.
case("enc_gbk_no_flag", "GBK file (Chinese Excel 'CSV') read without --encoding: F106 with a GB18030 hint",
     GBK_ROWS.encode("gbk"), fails(3, "F106", "bytes B9 A4 at line 2, column 6 (byte offset 43); that line reads as GB18030/GBK text"))
case("enc_gbk_flag", "the same GBK file with --encoding gb18030: decoded with iconv; labels match",
     GBK_ROWS.encode("gbk"), rows(2, 2), ["--encoding", "gb18030"])
case("enc_gbk_alias", "--encoding gbk is an alias of gb18030",
     GBK_ROWS.encode("gbk"), rows(2, 2), ["--encoding", "gbk"])
case("enc_gb18030_4byte", "GB18030 four-byte sequence (an emoji) in a comment, with --encoding gb18030",
     (H + "r1,staff,u1,1,1,2,3,😀\n").encode("gb18030"), rows(1, 1), ["--encoding", "gb18030"])
# FF is never a GB18030 byte: line 3, after "r2,staff,u1,1,1,1,1," (20 bytes) -> column 21;
# offset = 38 + 25 + 20 = 83.
case("enc_gb18030_bad_byte", "--encoding gb18030 with a byte GB18030 does not have: F107 with position",
     (H + OK1).encode() + b"r2,staff,u1,1,1,1,1,\xff\n",
     fails(3, "F107", "bytes FF at line 3, column 21 (byte offset 83) are not valid GB18030"),
     ["--encoding", "gb18030"])
case("enc_gbk_valid_utf8", "GBK bytes that are also valid UTF-8 (司水 = CB BE CB AE) are not guessed at: "
     "read as UTF-8, the comment is ignored",
     (H + "r1,staff,u1,1,1,2,3,").encode() + "司水".encode("gbk") + b"\n", rows(1, 1))
# C0 AF is an overlong '/': line 2 column 21 ("r1,staff,u1,1,1,2,3," = 20 bytes), offset 38 + 20 = 58.
case("enc_overlong", "overlong UTF-8 (C0 AF) is invalid",
     H.encode() + b"r1,staff,u1,1,1,2,3,\xc0\xaf\n", fails(3, "F106", "bytes C0 AF at line 2, column 21 (byte offset 58)"))
case("enc_surrogate", "an encoded UTF-16 surrogate (ED A0 80) is invalid",
     H.encode() + b"r1,staff,u1,1,1,2,3,\xed\xa0\x80\n", fails(3, "F106", "bytes ED A0 80 at line 2, column 21"))
case("enc_truncated_at_eof", "a multi-byte sequence cut off by the end of the file (E5 A5)",
     H.encode() + b"r1,staff,u1,1,1,2,3,\xe5\xa5", fails(3, "F106", "line 2, column 21"))

# ---- line endings -----------------------------------------------------------------------------
case("eol_crlf", "CRLF line ends", (H + OK1 + OK2).replace("\n", "\r\n"), rows(2, 2))
case("eol_cr", "lone CR line ends (old Mac)", (H + OK1 + OK2).replace("\n", "\r"), rows(2, 2))
case("eol_mixed", "LF, CRLF and CR mixed; the bad row on line 4 is reported there",
     H + OK1.replace("\n", "\r\n") + OK2.replace("\n", "\r") + "r3,staff,u1,1,9,1,1,x\n",
     rows(3, 2, rejects=[(4, "R204")]))
case("eol_no_final_newline", "no line end after the last row", H + OK1 + OK2.rstrip("\n"), rows(2, 2))
case("eol_crlf_in_quotes", "CRLF inside a quoted comment: lines 2-3 are one row, the bad row is line 4",
     H + 'r1,staff,u1,1,1,2,3,"two\r\nlines"\n' + "r3,staff,u1,1,9,1,1,x\n",
     rows(2, 1, rejects=[(4, "R204")]))

# ---- quoting ----------------------------------------------------------------------------------
case("quote_comma", "quoted field with commas", H + 'r1,staff,u1,1,1,2,3,"a, b, c"\n', rows(1, 1))
case("quote_doubled", "quoted field with doubled quotes", H + 'r1,staff,u1,1,1,2,3,"she said ""hi"""\n', rows(1, 1))
case("quote_newline", "quoted field with a line break; the next row's line is 4",
     H + 'r1,staff,u1,1,1,2,3,"line one\nline two"\nr2,staff,u1,1,9,1,1,x\n', rows(2, 1, rejects=[(4, "R204")]))
case("quote_code", "quoted codes and keys are read like unquoted ones",
     H + '"r1","staff","u1","1","1","2","3","x"\n', rows(1, 1))
case("quote_unterminated", "a quote that never closes: that row is rejected (R207), reading resumes on the next line",
     H + OK1 + 'r2,staff,u1,1,1,1,1,"oops\n' + OK2 + "r4,staff,u1,1,1,1,1,x\n",
     rows(4, 3, rejects=[(3, "R207")], stderr=["closing double quote"]))
case("quote_unterminated_last", "an unterminated quote on the last line",
     H + OK1 + 'r2,staff,u1,1,1,1,1,"oops', rows(2, 1, rejects=[(3, "R207")]))
# With --max-quoted-lines 2 a field spanning 3 line breaks is given up: line 3 is rejected (R207)
# and lines 4, 5, 6 are read as rows of one field each (R201); line 7 scores.
case("quote_over_limit", "a quoted field over --max-quoted-lines: bounded damage, then reading resumes",
     H + OK1 + 'r2,staff,u1,1,1,1,1,"a\nb\nc\nd"\n' + OK2,
     rows(6, 2, rejects=[(3, "R207"), (4, "R201"), (5, "R201"), (6, "R201")]), ["--max-quoted-lines", "2"])
case("quote_within_limit", "the same file with the default limit (100 lines): the field is read whole",
     H + OK1 + 'r3,staff,u1,1,1,1,1,"a\nb\nc\nd"\n' + OK2, rows(3, 3))
case("quote_text_after", 'text after a closing quote ("ab"c) is kept, as spreadsheets do',
     H + 'r1,staff,u1,1,1,2,3,"ab"c\n', rows(1, 1))
case("quote_inside_unquoted", "a quote inside an unquoted field (ab\"c) is an ordinary character",
     H + 'r1,staff,u1,1,1,2,3,ab"c\n', rows(1, 1))

# ---- row shape --------------------------------------------------------------------------------
case("shape_short", "a row with fewer fields than the header: rejected, never padded",
     H + OK1 + "r2,staff,u1,1,1,1\n", rows(2, 1, rejects=[(3, "R201")], stderr=["6 fields"]))
case("shape_long", "a row with more fields than the header: rejected, never shifted",
     H + OK1 + "r2,staff,u1,1,1,1,1,x,extra\n", rows(2, 1, rejects=[(3, "R201")], stderr=["9 fields"]))
case("shape_trailing_delimiter_rows", "rows with a trailing comma the header lacks: 9 fields, rejected",
     H + OK1.replace("\n", ",\n") + OK2.replace("\n", ",\n"),
     rows(2, 0, rejects=[(2, "R201"), (3, "R201")]))
case("shape_trailing_delimiter_all", "header and rows all end in a comma (spreadsheet export): an unnamed column, ignored",
     H.replace("\n", ",\n") + OK1.replace("\n", ",\n"), rows(1, 1))
case("shape_blank_lines", "blank lines are not rows; line numbers still count them",
     H + "\n" + OK1 + "\n\n" + "r2,staff,u1,1,9,1,1,x\n\n", rows(2, 1, rejects=[(6, "R204")]))
case("shape_spaces_line", "a line of spaces is a row of one field: rejected",
     H + OK1 + "   \n", rows(2, 1, rejects=[(3, "R201")]))
case("shape_header_only", "a header and no rows: an empty report, nothing to reject", H, rows(0, 0))
case("shape_empty_file", "an empty file", "", fails(3, "F105", "no header line"))

# ---- bytes and size ---------------------------------------------------------------------------
case("bytes_nul_comment", "a NUL byte in a comment: the row is rejected (R209)",
     H + OK1 + "r2,staff,u1,1,1,1,1,a\0b\n" + OK2, rows(3, 2, rejects=[(3, "R209")], stderr=["column 'comment'", "NUL"]))
case("bytes_nul_code", "a NUL byte as an answer",
     H + "r1,staff,u1,1,\0,1,1,x\n", rows(1, 0, rejects=[(2, "R209")], stderr=["column 'q1'"]))
case("bytes_long_line", "a 300-byte row over --max-line-bytes 200: rejected (R210), the next row scores",
     H + "r1,staff,u1,1,1,2,3," + "x" * 280 + "\n" + OK2, rows(2, 1, rejects=[(2, "R210")], stderr=["300 bytes"]),
     ["--max-line-bytes", "200"])
case("bytes_long_quoted", "an open quote running past --max-line-bytes: rejected at its line, reading resumes after it",
     H + 'r1,staff,u1,1,1,2,3,"' + ("y" * 50 + "\n") * 6 + OK2,
     rows(7, 1, rejects=[(2, "R210")] + [(n, "R201") for n in range(3, 8)]),
     ["--max-line-bytes", "200"])

# ---- header -----------------------------------------------------------------------------------
case("head_duplicate", "a header naming q2 twice", H.replace("q3", "q2"), fails(3, "F103", "names column 'q2' twice: columns 6 and 7"))
case("head_missing_item", "a header without q3", H.replace(",q3", ""), fails(3, "F102", "no column 'q3'"))
case("head_missing_weight", "a header without the weight column", H.replace(",weight", ""),
     fails(3, "F102", "no column 'weight' (sampling weight)"))
case("head_spaces", "spaces around header names are trimmed", H.replace(",", " , ") + OK1, rows(1, 1))
case("head_extra_columns", "columns the definition does not name are ignored",
     H.replace("\n", ",extra\n") + OK1.replace("\n", ",whatever\n"), rows(1, 1))
case("head_unterminated", "a header with a quote that never closes",
     'id,group,"unit,weight,q1,q2,q3,comment\n' + OK1, fails(3, "F105", "never closed"))

# ---- values -----------------------------------------------------------------------------------
case("val_labels_zh", "answers given as Chinese labels, group as a label",
     H + "r1,员工,u1,1,满意,基本满意,不满意,x\n", rows(1, 1))
case("val_labels_en", "answers given as English labels",
     H + "r1,staff,u1,1,Satisfied,Fairly satisfied,Dissatisfied,x\n", rows(1, 1))
case("val_code_decimal", "4.0 for code 4: codes are text, rejected with a note saying so",
     H + "r1,staff,u1,1,1,2,4.0,x\n", rows(1, 0, rejects=[(2, "R204")], stderr=["matched as text, not as numbers"]))
case("val_fullwidth", "full-width digit １ (U+FF11) for code 1: rejected, the message names them",
     H + "r1,staff,u1,1,１,2,3,x\n", rows(1, 0, rejects=[(2, "R204")], stderr=["full-width digits"]))
case("val_padded_code", "spaces around a code are trimmed", H + "r1,staff,u1,1, 1 ,2,3,x\n", rows(1, 1))
case("val_unknown_code", "a code the scale does not have", H + "r1,staff,u1,1,7,2,3,x\n",
     rows(1, 0, rejects=[(2, "R204")], stderr=["found '7', expected one of 1 (满意)"]))
case("val_weight_decimal_comma", "weight 1,5 (decimal comma, quoted)", H + 'r1,staff,u1,"1,5",1,2,3,x\n',
     rows(1, 0, rejects=[(2, "R205")], stderr=["found '1,5'", "decimal commas and thousands separators"]))
case("val_weight_thousands", "weight 1 000 (thousands separator)", H + "r1,staff,u1,1 000,1,2,3,x\n",
     rows(1, 0, rejects=[(2, "R205")], stderr=["found '1 000'"]))
case("val_weight_negative", "a negative weight", H + "r1,staff,u1,-1,1,2,3,x\n",
     rows(1, 0, rejects=[(2, "R205")], stderr=["cannot be negative"]))
case("val_weight_nan", "weight NaN", H + "r1,staff,u1,NaN,1,2,3,x\n",
     rows(1, 0, rejects=[(2, "R205")], stderr=["NaN and infinity are not weights"]))
case("val_weight_empty", "an empty weight counts as 1", H + "r1,staff,u1,,1,2,3,x\n", rows(1, 1))
case("val_weight_exponent", "weight 1e-3 is a number", H + "r1,staff,u1,1e-3,1,2,3,x\n", rows(1, 1))
case("val_unknown_group", "a group the definition does not declare", H + "r1,visitor,u1,1,1,2,3,x\n",
     rows(1, 0, rejects=[(2, "R202")]))
case("val_unknown_unit", "a unit the definition does not declare", H + "r1,staff,u9,1,1,2,3,x\n",
     rows(1, 0, rejects=[(2, "R203")]))
case("val_empty_unit", "an empty unit cell", H + "r1,staff,,1,1,2,3,x\n", rows(1, 0, rejects=[(2, "R206")]))
case("val_dont_know", "three don't-know answers: read and void, not rejected", H + "r1,staff,u1,1,4,4,4,x\n",
     rows(1, 0, void=1))
case("val_blank_answers", "two blank answers of three: void", H + "r1,staff,u1,1,1,,,x\n", rows(1, 0, void=1))

# ---- duplicate respondent ids (column `id`) -----------------------------------------------------
# The first row that is taken in (scored or void) with an id owns it; a later row with the same
# trimmed id, byte for byte, is rejected (R208) once its values are known to be good. An empty id
# is no id. Lines count the header as line 1.
R3_7 = "".join(f"r{n},staff,u1,1,1,1,1,x\n" for n in range(3, 8))   # lines 4-8, all scored
case("dup_adjacent", "the same id on two adjacent rows: the second is rejected (R208)",
     H + OK1 + OK1 + OK2,
     rows(3, 2, rejects=[(3, "R208")],
          rejects_file=["3,R208,", "respondent id 'r1' already given on an earlier row"]))
case("dup_far_apart", "an id repeated seven rows later, after other ids (line 9)",
     H + OK1 + OK2 + R3_7 + "r1,public,u2,1,3,3,3,x\n", rows(8, 7, rejects=[(9, "R208")]))
case("dup_triple", "the same id three times: the second and third are rejected",
     H + OK1 + "r1,public,u2,1,2,2,2,x\n" + OK2 + "r1,staff,u2,1,3,3,3,x\n",
     rows(4, 2, rejects=[(3, "R208"), (5, "R208")]))
case("dup_empty_ids", "empty (and blank) ids are no ids: never duplicates",
     H + ",staff,u1,1,1,2,3,x\n" + ",staff,u1,1,1,2,3,x\n" + "  ,public,u2,1,1,1,1,x\n", rows(3, 3))
case("dup_trimmed_exact", "ids are trimmed, then compared byte for byte: ' r1 ' repeats r1, R1 does not",
     H + OK1 + "R1,staff,u1,1,1,1,1,x\n" + " r1 ,staff,u1,1,1,1,1,x\n",
     rows(3, 2, rejects=[(4, "R208")], rejects_file=["found 'r1'"]))
case("dup_after_rejected", "a rejected row claims no id: its corrected copy on the next row scores",
     H + "r1,staff,u1,1,9,2,3,x\n" + OK1, rows(2, 1, rejects=[(2, "R204")]))
case("dup_bad_value", "a repeated id on a row with a bad value keeps the value's reason (R204)",
     H + OK1 + "r1,staff,u1,1,9,2,3,x\n", rows(2, 1, rejects=[(3, "R204")]))
case("dup_after_void", "a void row (one answer of three) owns its id: the later row is rejected",
     H + "r1,staff,u1,1,1,,,x\n" + OK1, rows(2, 0, void=1, rejects=[(3, "R208")]))
case("dup_allowed", "--allow-duplicate-ids: repeated ids are scored",
     H + OK1 + OK1 + OK2, rows(3, 3), ["--allow-duplicate-ids"])

# ---- output safety ----------------------------------------------------------------------------
case("out_formula_injection", "a rejected row starting with =cmd|: echoed in the rejects file as text ('=...)",
     H + "=cmd|' /C calc'!A0,staff,u1,1,9,2,3,x\n",
     rows(1, 0, rejects=[(2, "R204")], rejects_file=["2,R204,", "\"'=cmd|' /C calc'!A0,staff,u1,1,9,2,3,x\""]))
case("out_raw_multiline", "the rejects file keeps a rejected multi-line row raw, line breaks included",
     H + 'r1,staff,u1,1,9,2,3,"a\nb"\n',
     rows(1, 0, rejects=[(2, "R204")], rejects_file=["\"r1,staff,u1,1,9,2,3,\"\"a\nb\"\"\""]))

# ---- the reject threshold ---------------------------------------------------------------------
BAD = "rX,staff,u1,1,9,1,1,x\n"
case("limit_default_exceeded", "default --max-rejects (1%, at least 10): 11 of 12 rows rejected fails, exit 6",
     H + OK1 + BAD * 11, {"exit": 6, "message": "11 of 12 rows were rejected, more than the 10 allowed"},
     ["--max-rejects", ""])
case("limit_default_floor", "default --max-rejects: 10 of 12 rejected is within the floor of 10",
     H + OK1 + OK2 + BAD * 10, rows(12, 2, rejects=[(n, "R204") for n in range(4, 14)]), ["--max-rejects", ""])
case("limit_zero", "--max-rejects 0: a single rejected row fails the run",
     H + OK1 + BAD, {"exit": 6, "message": "1 of 2 rows were rejected, more than the 0 allowed"}, ["--max-rejects", "0"])
case("limit_percent_exceeded", "--max-rejects 50%: 3 of 4 rejected fails",
     H + OK1 + BAD * 3, {"exit": 6, "message": "3 of 4 rows were rejected, more than the 2 allowed"}, ["--max-rejects", "50%"])
case("limit_percent_within", "--max-rejects 50%: 2 of 4 rejected is allowed",
     H + OK1 + OK2 + BAD * 2, rows(4, 2, rejects=[(4, "R204"), (5, "R204")]), ["--max-rejects", "50%"])
case("limit_bad_value", "--max-rejects with a value that is neither a count nor a percentage",
     H + OK1, {"exit": 1, "message": "is not a row count"}, ["--max-rejects", "ten"])


def main():
    data = HERE / "csv"
    manifest = []
    for c in cases:
        (data / (c["name"] + ".csv")).write_bytes(c["data"])
        manifest.append({"name": c["name"], "covers": c["covers"], "args": c["args"], "expect": c["expect"]})
    (HERE / "cases.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    lines = ["| case | what it covers | expected outcome |", "|---|---|---|"]
    for c in cases:
        e = c["expect"]
        args = " ".join(a for a in c["args"] if a) or ""
        if "rows_read" in e:
            out = f"{e['rows_read']} read = {e['scored']} scored + {e['void']} void + {e['rejected']} rejected"
            if e["rejects"]:
                out += " (" + ", ".join(f"line {l} {i}" for l, i in e["rejects"]) + ")"
        else:
            out = f"exit {e['exit']}" + (f", {e['error']}" if "error" in e else "")
        lines.append(f"| `{c['name']}`{' `' + args + '`' if args else ''} | {c['covers']} | {out} |")
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    begin, end = "<!-- cases -->", "<!-- /cases -->"
    head, rest = readme.split(begin)
    _, tail = rest.split(end)
    (HERE / "README.md").write_text(head + begin + "\n" + "\n".join(lines) + "\n" + end + tail, encoding="utf-8")
    print(f"{len(cases)} cases")


if __name__ == "__main__":
    main()
