"""Opening a Word file someone sent: every check before python-docx inflates or parses anything.

A .docx is a zip of XML parts. A hostile or broken file is refused with one
line saying what it is and what to do: not a zip (and which format it is
instead: an old .doc, a password-protected file, RTF, PDF, OpenDocument), a
zip bomb (sizes and ratios read from the zip directory, before anything is
inflated; the total is capped), a DTD or entity declaration in any XML part
(the way to external-entity and billion-laughs attacks; OOXML never needs
one), or a package python-docx cannot read.

    >>> document = open_docx(Path("sop.docx").read_bytes(), source="sop.docx")
    >>> len(document.tables)
    2
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING

from soplib.errors import InvalidInputError
from soplib.i18n import _

if TYPE_CHECKING:
    from docx.document import Document

MiB = 1024 * 1024
MAX_FILE = 50 * MiB  # the .docx as sent; SOPs with a logo are well under 5 MiB
MAX_ENTRIES = 2_000
MAX_TOTAL = 100 * MiB  # everything inflated together
MAX_XML_PART = 25 * MiB  # one XML part inflated (python-docx holds it as a tree, ~10x in memory)
MAX_RATIO = 100  # inflated / compressed, for parts over RATIO_FLOOR
RATIO_FLOOR = 256 * 1024

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "open it in Word and save it as a Word document (.docx)"


def _utf16(word: str) -> tuple[bytes, bytes]:
    return word.encode("utf-16-le"), word.encode("utf-16-be")


# A DOCTYPE (and with it any ENTITY) in UTF-8 or UTF-16, any case.
_DTD = re.compile(
    b"|".join(
        re.escape(form)
        for word in ("<!DOCTYPE", "<!doctype", "<!ENTITY", "<!entity")
        for form in (word.encode(), *_utf16(word))
    )
)


# What XML allows before a DOCTYPE: a byte order mark, the XML declaration, comments, PIs, space.
_PROLOG = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)


def _declares_dtd(part: bytes) -> bool:
    """True if an XML part has a DOCTYPE (and so may declare entities).

    A DOCTYPE can only stand in the prolog, so only the prolog is read; a part in
    UTF-16 (which Word does not write) is searched whole.
    """
    if part.startswith((b"\xff\xfe", b"\xfe\xff")) or part[:2] in (b"<\0", b"\0<"):
        return _DTD.search(part) is not None
    end = _PROLOG.match(part)
    return part[end.end() if end else 0 :][:9].upper() == b"<!DOCTYPE"


def _refuse(source: str, message: str) -> InvalidInputError:
    return InvalidInputError("{source}: {message}", source=source, message=message)


def sniff(data: bytes, source: str) -> None:
    """Refuse anything that is not a zip, naming what it is instead."""
    if len(data) > MAX_FILE:
        raise _refuse(
            source,
            _(
                "the file is {size} MiB, over the {limit} MiB a Word SOP can be; "
                "remove large pictures in Word, or split the document",
                size=len(data) // MiB,
                limit=MAX_FILE // MiB,
            ),
        )
    head = data[:8]
    if head.startswith(_OLE):
        if any(form in data for form in _utf16("EncryptionInfo")):
            raise _refuse(
                source,
                _(
                    "the document is password-protected (encrypted); open it in Word, remove the password "
                    "(File > Info > Protect Document), save it as .docx and import that"
                ),
            )
        if any(form in data for form in _utf16("WordDocument")):
            raise _refuse(source, _("an old Word 97-2003 document (.doc); {fix}", fix=_SAVE_AS))
        raise _refuse(source, _("an old Office file (OLE), not a Word document; {fix}", fix=_SAVE_AS))
    if head.startswith(b"{\\rtf"):
        raise _refuse(source, _("an RTF file, not a Word document; {fix}", fix=_SAVE_AS))
    if head.startswith(b"%PDF"):
        raise _refuse(
            source, _("a PDF file; import the Word document it was made from (.docx), or retype it")
        )
    if not head.startswith(b"PK"):
        raise _refuse(
            source, _("not a Word document (.docx): the file is not a zip package; {fix}", fix=_SAVE_AS)
        )


def check_zip(data: bytes, source: str) -> None:
    """Check the zip directory (before inflating anything), then scan XML parts for a DTD."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse(
            source, _("not a Word document (.docx): a damaged zip ({error}); {fix}", error=exc, fix=_SAVE_AS)
        ) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _refuse(
                source,
                _("the zip holds {n} parts, over {limit}; not a Word SOP", n=len(infos), limit=MAX_ENTRIES),
            )
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise _refuse(source, _("the zip names a part twice; the file is damaged or crafted"))
        total = 0
        for info in infos:
            _check_entry(info, source)
            total += info.file_size
        if total > MAX_TOTAL:
            raise _refuse(
                source,
                _(
                    "the parts inflate to {size} MiB, over the {limit} MiB limit "
                    "(a zip bomb, or huge pictures)",
                    size=total // MiB,
                    limit=MAX_TOTAL // MiB,
                ),
            )
        if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
            raise _refuse(source, _("an OpenDocument file (.odt), not a Word document; {fix}", fix=_SAVE_AS))
        if "word/document.xml" not in names and "[Content_Types].xml" not in names:
            raise _refuse(source, _("a zip file, but not a Word document (.docx); {fix}", fix=_SAVE_AS))
        for info in infos:
            if info.filename.endswith((".xml", ".rels")) and _declares_dtd(archive.read(info)):
                raise _refuse(
                    source,
                    _(
                        "part {part} declares a DTD or entities, which Word never writes "
                        "(an XML external-entity attack?); refused",
                        part=info.filename,
                    ),
                )


def _check_entry(info: zipfile.ZipInfo, source: str) -> None:
    if info.flag_bits & 0x1:
        raise _refuse(
            source, _("part {part} is encrypted inside the zip; {fix}", part=info.filename, fix=_SAVE_AS)
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _refuse(
            source,
            _("part {part} uses a compression Word does not write; {fix}", part=info.filename, fix=_SAVE_AS),
        )
    xml = info.filename.endswith((".xml", ".rels"))
    if xml and info.file_size > MAX_XML_PART:
        raise _refuse(
            source,
            _(
                "part {part} inflates to {size} MiB, over the {limit} MiB one XML part may have",
                part=info.filename,
                size=info.file_size // MiB,
                limit=MAX_XML_PART // MiB,
            ),
        )
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise _refuse(
            source,
            _(
                "part {part} inflates {ratio}x (a zip bomb); refused",
                part=info.filename,
                ratio=info.file_size // max(info.compress_size, 1),
            ),
        )


def open_docx(data: bytes, *, source: str) -> Document:
    """A python-docx document for ``data``, after every check; else one :class:`InvalidInputError`."""
    sniff(data, source)
    check_zip(data, source)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(io.BytesIO(data))
    except PackageNotFoundError as exc:
        raise _refuse(
            source, _("not a Word document (.docx): {error}; {fix}", error=exc, fix=_SAVE_AS)
        ) from exc
    except ValueError as exc:  # python-docx: "not a Word file, content type is ..." (.docm, .dotx)
        raise _refuse(
            source,
            _("not a plain Word document ({error}); {fix}", error=str(exc).splitlines()[0], fix=_SAVE_AS),
        ) from exc
    except Exception as exc:  # a damaged part: bad XML, a CRC error, a missing part python-docx needs
        first = (str(exc).splitlines() or [""])[0][:200]
        raise _refuse(
            source,
            _(
                "the Word file is damaged ({kind}: {error}); {fix}",
                kind=type(exc).__name__,
                error=first,
                fix=_SAVE_AS,
            ),
        ) from exc
