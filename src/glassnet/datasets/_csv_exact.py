"""Reading a CSV file exactly as the CSV standard says, with Python's `csv` module.

This is `load_csv`'s referee: the fast reader (pandas) reads the table, and this module
checks what pandas lets pass (text after a closing quote, rows with too few cells, NUL
bytes) and, on the error path only, finds the exact line and cell for the message.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = path.write_text('a,b\\n1,"x\\ny"\\n\\n2,z\\n')
>>> [line for line, _ in read_records(path, None, "utf-8-sig")]
[1, 2, 5]
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Iterator
from pathlib import Path

from glassnet._internal.words import plural

__all__ = [
    "check_header",
    "check_not_binary",
    "decode_fault",
    "encoding_of",
    "is_number",
    "iter_records",
    "read_records",
    "read_table",
    "sniff_delimiter",
]


def read_table(
    path: Path, delimiter: str | None, header: bool | None, encoding: str
) -> tuple[list[str], list[list[str]], list[int], bool]:
    """Column names, data rows (cells stripped), each row's line number, and whether the
    file had a header (else the names are "column 1", ...); checks the shape."""
    if not path.exists():
        raise FileNotFoundError(f"CSV file {str(path)!r} does not exist.")
    if path.is_dir():
        raise ValueError(f"{str(path)!r} is a folder; expected a CSV file.")
    check_not_binary(path)
    records = read_records(path, delimiter, encoding)
    if not records:
        expected = "a header row and data rows" if header else "data rows"
        raise ValueError(f"CSV file {path.name} is empty; expected {expected}.")
    first_line, first_row = records[0]
    named = header if header is not None else not all(map(is_number, first_row))
    if named:
        names = first_row
        check_header(path, names)
        records = records[1:]
    else:
        names = [f"column {j + 1}" for j in range(len(first_row))]
    for line, cells in records:
        if len(cells) != len(names) and named:
            raise ValueError(
                f"{path.name} line {line} has {plural(len(cells), 'cell')}, the header has "
                f"{len(names)} ({', '.join(names)})."
            )
        if len(cells) != len(names):
            raise ValueError(
                f"{path.name} line {line} has {plural(len(cells), 'column')}, expected "
                f"{len(names)} as in line {first_line}."
            )
    if not records and header is None:
        raise ValueError(
            f"CSV file {path.name} holds no data rows: its one row ({', '.join(names)}) is "
            "not all numbers, so it was read as the header."
        )
    if not records:
        raise ValueError(f"CSV file {path.name} has a header but no data rows.")
    return names, [cells for _, cells in records], [line for line, _ in records], named


# The first bytes of files that are often given for a CSV by mistake, and what they are.
_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file (decompress it first: gunzip)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file such as an .xls workbook"),
    (b"\x93NUMPY", "a NumPy .npy array"),
    (b"PK\x03\x04", "a zip archive"),
    (b"PK\x05\x06", "a zip archive"),
]


def check_not_binary(path: Path) -> None:
    """Raise ValueError naming what `path` is if it starts as an image, a PDF, a zip archive
    (an .xlsx workbook is one), gzip data, ...: not a table of text.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pic.csv"
    >>> _ = path.write_bytes(b"\\x89PNG\\r\\n\\x1a\\n" + bytes(8))
    >>> check_not_binary(path)
    Traceback (most recent call last):
    ValueError: pic.csv is a PNG image, not a CSV table.
    """
    with open(path, "rb") as handle:
        start = handle.read(16)
    what = next((name for magic, name in _MAGIC if start.startswith(magic)), None)
    if what == "a zip archive":
        what = _zip_kind(path)
    if what is not None:
        raise ValueError(f"{path.name} is {what}, not a CSV table.")


def _zip_kind(path: Path) -> str:
    """What a zip file is: an Excel workbook (.xlsx), another Office file, or an archive."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return "a zip archive"
    if any(name.startswith("xl/") for name in names):
        return "an Excel workbook (.xlsx; save it as CSV from the spreadsheet program)"
    if "[Content_Types].xml" in names or "mimetype" in names:
        return "an Office document (a zip archive)"
    return "a zip archive"


def read_records(path: Path, delimiter: str | None, encoding: str) -> list[tuple[int, list[str]]]:
    """(first line, cells stripped of spaces and tabs) of every row that holds something."""
    return list(iter_records(path, delimiter, encoding))


def iter_records(
    path: Path, delimiter: str | None, encoding: str
) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line, cells stripped of spaces and tabs) of every row that holds something.

    The csv module reads the file object itself (`newline=""`), as the CSV standard
    says: a quoted cell keeps its newlines, delimiters and doubled quotes; only \\n, \\r
    and \\r\\n end a line (not U+2028 or a vertical tab). An unclosed quote, text after a
    closing quote, a NUL byte or bytes that are not `encoding` are errors naming the line.
    """
    line = 0  # the last physical line read
    try:
        with open(path, newline="", encoding=encoding) as handle:
            first = handle.readline()
            if delimiter is None:
                delimiter = sniff_delimiter(first)
            reader = csv.reader(itertools.chain([first], handle), delimiter=delimiter, strict=True)
            while True:
                start = line + 1
                try:
                    record = next(reader)
                except StopIteration:
                    break
                except csv.Error as error:
                    raise ValueError(f"{path.name} line {start}: {_csv_fault(error)}") from None
                line = reader.line_num
                cells = [cell.strip(" \t") for cell in record]
                for j, cell in enumerate(cells):
                    if "\x00" in cell:
                        raise ValueError(
                            f"{path.name} line {start}, column {j + 1}: a NUL byte (\\x00): "
                            "the file is damaged, not text, or UTF-16 text (then pass "
                            "encoding='utf-16')."
                        )
                if any(cells):  # blank lines (and rows of empty cells) carry nothing
                    yield start, cells
    except UnicodeDecodeError as error:
        raise ValueError(decode_fault(path, encoding, error)) from None


def _csv_fault(error: csv.Error) -> str:
    text = str(error)
    if "unexpected end of data" in text:
        return (
            'a quoted cell that starts here is never closed (a " without its closing "), '
            "so the rest of the file would be one cell."
        )
    if "expected after" in text:
        return 'text follows a closing quote; write a quote inside a quoted cell twice ("").'
    if "field larger than field limit" in text:
        return f"a cell longer than {csv.field_size_limit():,} characters; is this a CSV file?"
    if "NUL" in text:
        return "a NUL byte (\\x00): the file is damaged, not text, or UTF-16 (encoding='utf-16')."
    return text


def decode_fault(path: Path, encoding: str, error: UnicodeDecodeError) -> str:
    raw = path.read_bytes()  # error path only: find the byte and its line in the file
    try:
        raw.decode(encoding)
        offset, byte = 0, error.object[error.start]
    except UnicodeDecodeError as again:
        offset, byte = again.start, raw[again.start]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        hint = "It starts with a UTF-16 byte-order mark: pass encoding='utf-16'."
    else:
        hint = "Pass the file's encoding, e.g. encoding='latin-1' or encoding='utf-16'."
    shown = "UTF-8" if encoding == "utf-8-sig" else encoding
    line = raw.count(b"\n", 0, offset) + 1
    return (
        f"{path.name} is not {shown} text: byte 0x{byte:02x} on line {line} can't be decoded "
        f"as {shown}. {hint}"
    )


def encoding_of(encoding: str | None) -> str:
    """The codec to read with: UTF-8 (a BOM allowed) unless another is named."""
    if encoding is None:
        return "utf-8-sig"
    if not isinstance(encoding, str):
        raise TypeError(f"encoding must be a codec name such as 'latin-1', got {encoding!r}.")
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise ValueError(f"encoding={encoding!r} is not a known text encoding.") from None
    return "utf-8-sig" if name == "utf-8" else encoding


def sniff_delimiter(first_line: str) -> str:
    """The one of "," ";" tab "|" that the first line uses most (a comma on a tie)."""
    return max([",", ";", "\t", "|"], key=first_line.rstrip("\r\n").count)


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def check_header(path: Path, header: list[str]) -> None:
    empty = [i + 1 for i, name in enumerate(header) if not name]
    if empty:
        raise ValueError(f"{path.name}: header cell(s) {empty} are empty; name every column.")
    seen = set()
    for name in header:
        if name in seen:
            raise ValueError(f"{path.name}: column {name!r} appears twice in the header.")
        seen.add(name)
