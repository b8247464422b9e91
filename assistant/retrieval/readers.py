"""Read .md, .txt, .pdf and .docx files into text, with a clear error for anything else."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from assistant.errors import UnsupportedFileError

SUPPORTED = (".md", ".markdown", ".txt", ".pdf", ".docx")
_MAX_DOCX_UNCOMPRESSED = 50_000_000
_MAX_DOCX_RATIO = 200
# The parse of one upload has a bounded cost (a few seconds, on a worker thread). A DOCX's text
# lives in word/document.xml (images and fonts elsewhere): python-docx needs about 2.7 s per MB
# of it, and 3 MB of XML already holds more text than a document may have. A PDF's pages can all
# share one huge content stream, and text extraction re-reads the stream for each page (about
# 1.5 s per MB here): the pages, each page's content and all pages' content together are capped,
# and reading stops at the page where the text passes the caller's limit.
_MAX_DOCX_XML = 3_000_000
MAX_PDF_PAGES = 500
_MAX_PDF_PAGE_CONTENT = 1_000_000
_MAX_PDF_CONTENT = 3_000_000


def decode_text(data: bytes, name: str) -> str:
    """Decode bytes as text (UTF-8, or UTF-16 with a BOM); refuse binaries."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnsupportedFileError(f"{name}: not valid UTF-16 text") from exc
    if b"\x00" in data[:8192]:
        raise UnsupportedFileError(f"{name}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnsupportedFileError(
            f"{name}: is not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again"
        ) from exc


def _page_content_size(page) -> int:
    """Bytes of a page's (decoded) content streams."""
    contents = page.get_contents()
    return len(contents.get_data()) if contents is not None else 0


def _read_pdf(data: bytes, name: str, max_chars: int | None = None) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.startswith(b"%PDF"):
        raise UnsupportedFileError(f"{name}: is not a PDF file")
    pages: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise UnsupportedFileError(f"{name}: {len(reader.pages)} pages is over the {MAX_PDF_PAGES}-page limit")
        content = chars = 0
        for page in reader.pages:
            size = _page_content_size(page)
            content += size
            if size > _MAX_PDF_PAGE_CONTENT or content > _MAX_PDF_CONTENT:
                raise UnsupportedFileError(
                    f"{name}: the PDF's page content is too large to read ({content} bytes by page "
                    f"{len(pages) + 1}); export a smaller file or paste the text")
            text = (page.extract_text() or "").strip()
            pages.append(text)
            chars += len(text)
            if max_chars is not None and chars > max_chars:
                break  # the caller refuses a text this long anyway: stop reading
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise UnsupportedFileError(f"{name}: the PDF cannot be read ({exc})") from exc
    return "\n\n".join(pages)


def _read_docx(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
            packed = sum(info.compress_size for info in archive.infolist()) or 1
            if total > _MAX_DOCX_UNCOMPRESSED or total / packed > _MAX_DOCX_RATIO:
                raise UnsupportedFileError(
                    f"{name}: the DOCX expands to {total} bytes (a zip bomb?); refused"
                )
            xml = sum(info.file_size for info in archive.infolist() if info.filename.startswith("word/"))
            xml -= sum(info.file_size for info in archive.infolist() if info.filename.startswith("word/media/"))
            if xml > _MAX_DOCX_XML:
                raise UnsupportedFileError(
                    f"{name}: the DOCX's text part is {xml} bytes, over the {_MAX_DOCX_XML}-byte limit; "
                    "split the document or paste the text")
    except zipfile.BadZipFile as exc:
        raise UnsupportedFileError(f"{name}: is not a DOCX file (not a zip archive)") from exc
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on malformed files
        raise UnsupportedFileError(f"{name}: the DOCX cannot be read ({exc})") from exc
    lines: list[str] = []
    for para in document.paragraphs:
        style = (para.style.name or "") if para.style is not None else ""
        text = para.text.strip()
        if not text:
            continue
        if style.startswith("Heading"):
            level = "".join(ch for ch in style if ch.isdigit()) or "1"
            lines.append("#" * min(int(level), 6) + " " + text)
        elif "List" in style:
            lines.append("- " + text)
        else:
            lines.append(text)
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    return "\n".join(lines)


def read_bytes(data: bytes, name: str, max_chars: int | None = None) -> str:
    """Turn a file's bytes into text according to its extension. With `max_chars`, a PDF is read
    no further than the page where its text passes that many characters (the caller refuses a
    longer text)."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise UnsupportedFileError(
            f"{name}: unsupported file type '{suffix or '(none)'}'; use {', '.join(SUPPORTED)}"
        )
    if not data:
        raise UnsupportedFileError(f"{name}: the file is empty")
    if suffix == ".pdf":
        text = _read_pdf(data, name, max_chars)
    elif suffix == ".docx":
        text = _read_docx(data, name)
    else:
        text = decode_text(data, name)
    if not text.strip():
        raise UnsupportedFileError(f"{name}: no text could be extracted")
    return text


def read_file(path: Path, max_bytes: int, max_chars: int | None = None) -> str:
    """Read a file from disk, refusing ones larger than `max_bytes`."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnsupportedFileError(f"{path.name}: {size} bytes is over the {max_bytes}-byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise UnsupportedFileError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
    return read_bytes(data, path.name, max_chars)
