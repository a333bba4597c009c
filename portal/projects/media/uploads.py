"""Photos and PDF brochures of projects and parks: accepted by what the file contains (never
its name or the browser's content type), size-checked, photos re-encoded so no camera metadata
(EXIF, GPS) reaches the public, brochures read object by object so none carries scripts or other
files to investors, and stored under random names in ``UPLOAD_DIR``."""
from __future__ import annotations

import io
import re
import secrets
import time
import warnings
from functools import wraps
from itertools import chain
from pathlib import Path

import pypdf
from flask import current_app, request
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject, StreamParsingBudget, read_object
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from portal.extensions import csrf, db
from portal.i18n import format_filesize, format_number
from portal.projects.models import IndustrialPark, InvestmentProject, MediaFile, MediaKind

#: Pillow's name of each accepted image format: its content type and the extension it is stored with.
IMAGE_TYPES = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}
#: Multi-picture JPEGs (many phone cameras) open as MPO; they are stored as a plain JPEG of the first picture.
SAVED_AS = {"MPO": "JPEG"}
PDF_TYPE = ("application/pdf", ".pdf")
MIN_SIDES = (400, 300)
MAX_SIDE = 12000
#: Photos are stored at most this many pixels on their longer side: enough for any screen.
STORED_LONGER_SIDE = 2560
#: ``%%EOF`` must appear within the last this many bytes, as PDF readers expect.
PDF_TAIL_BYTES = 1024
#: Names that run code or start programs when a brochure is opened, wherever they stand in it (a key or a
#: value): scripts and the XFA forms that hold them, launch actions.
PDF_SCRIPT_NAMES = frozenset({"/JS", "/JavaScript", "/XFA", "/Launch"})
#: Names that carry other files or play media: embedded files, attachments and the actions that open them,
#: rich media.
PDF_ATTACHMENT_NAMES = frozenset({"/EmbeddedFile", "/EmbeddedFiles", "/EF", "/FileAttachment", "/GoToE",
                                  "/RichMedia", "/RichMediaContent", "/RichMediaExecute"})
PDF_FORBIDDEN_NAMES = PDF_SCRIPT_NAMES | PDF_ATTACHMENT_NAMES
#: Where an object starts ("12 0 obj"; comments count as spaces), wherever it is in the file: the objects a
#: reader finds through the cross-reference tables and those a reader repairing a damaged file would find.
PDF_OBJECT_START = re.compile(rb"(?<![0-9])[0-9]{1,10}(?:[\0\t\n\f\r ]|%[^\r\n]*)+[0-9]{1,5}"
                              rb"(?:[\0\t\n\f\r ]|%[^\r\n]*)+obj(?![A-Za-z0-9])")
#: What checking one brochure may cost before it is refused as too complex: bytes decoded from its object
#: streams, objects and tokens parsed, pages, seconds.
PDF_DECODE_BUDGET = 64 * 1024 * 1024
PDF_MAX_OBJECTS = 100_000
PDF_MAX_TOKENS = 1_000_000
PDF_MAX_PAGES = 2_000
PDF_CHECK_SECONDS = 10
#: pypdf's own limits while it reads a brochure, tightened to the budget above; it never runs an outside decoder.
PDF_READER_LIMITS = {
    "maximum_declared_stream_length": PDF_DECODE_BUDGET, "zlib_maximum_output_length": PDF_DECODE_BUDGET,
    "lzw_maximum_output_length": PDF_DECODE_BUDGET, "run_length_maximum_output_length": PDF_DECODE_BUDGET,
    "array_based_stream_maximum_output_length": PDF_DECODE_BUDGET, "brotli_maximum_output_length": PDF_DECODE_BUDGET,
    "jbig2_maximum_output_length": PDF_DECODE_BUDGET, "stream_decoding_work_maximum_length": 4 * PDF_DECODE_BUDGET,
    "page_tree_maximum_entries": 2 * PDF_MAX_PAGES, "jbig2dec_binary": None,
}
CHUNK_BYTES = 64 * 1024
#: Room for the form's other fields and the multipart boundaries around the file.
REQUEST_MARGIN_BYTES = 1024 * 1024


class UploadRejected(Exception):
    """A file the portal refuses; ``message`` tells the staff member why, in their language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def allow_large_upload() -> None:
    """Lift the request size limit for this request only, so a brochure fits while public forms
    keep the small global one. Call it before anything touches ``request.files`` or ``request.form``
    (Werkzeug applies the limit when it parses the body), which means before Flask-WTF's CSRF
    check: decorate the view with ``accepts_large_upload``, which calls it at the right time."""
    config = current_app.config
    largest = max(config["UPLOAD_MAX_BROCHURE_BYTES"], config["UPLOAD_MAX_IMAGE_BYTES"])
    request.max_content_length = largest + REQUEST_MARGIN_BYTES


def accepts_large_upload(view):
    """Decorate the view that receives uploads. Flask-WTF checks the CSRF token before every view
    by reading the form, which would apply the small global limit before the view could lift it
    (a 5 MB brochure would get a 413); so the view is left out of that automatic check and this
    wrapper checks the token itself, after ``allow_large_upload``."""

    @wraps(view)
    def lifted(*args, **kwargs):
        allow_large_upload()
        if current_app.config["WTF_CSRF_ENABLED"]:
            csrf.protect()
        return view(*args, **kwargs)

    return csrf.exempt(lifted)


def store_upload(item: InvestmentProject | IndustrialPark, file: FileStorage, kind: MediaKind,
                 user_id: int | None) -> MediaFile:
    """Check ``file`` by its content, write it under a new random name and add its ``MediaFile``
    (after the item's other media) to the session. The caller commits; if the commit fails it
    should call ``delete_stored_file`` so no orphan file stays behind.

    Raises ``UploadRejected`` with a message for the uploader."""
    kind = MediaKind(kind)
    if kind is MediaKind.IMAGE:
        data = _read_within(file, current_app.config["UPLOAD_MAX_IMAGE_BYTES"])
        data, content_type, extension, width, height = _reencoded_image(data)
    else:
        data = _read_within(file, current_app.config["UPLOAD_MAX_BROCHURE_BYTES"])
        _check_pdf(data)
        (content_type, extension), width, height = PDF_TYPE, None, None
    stored_name = _write_new_file(data, extension)
    media = MediaFile(
        kind=kind.value, stored_name=stored_name, original_name=secure_filename(file.filename or "")[:255],
        content_type=content_type, size_bytes=len(data), width=width, height=height,
        position=max((other.position for other in item.media), default=-1) + 1, uploaded_by_id=user_id,
    )
    item.media.append(media)
    db.session.add(media)
    current_app.logger.info("%s %s stored as %s for %s %s (%d bytes)", kind.value, media.original_name or "-",
                            stored_name, item.kind, item.slug, len(data))
    return media


def delete_stored_file(media: MediaFile) -> None:
    """Remove the file from disk once its row's deletion is committed; a file already gone is fine."""
    (upload_dir() / Path(media.stored_name).name).unlink(missing_ok=True)
    current_app.logger.info("deleted stored file %s", media.stored_name)


# --- checks ---------------------------------------------------------------------------------


def _read_within(file: FileStorage, limit: int) -> bytes:
    """The whole file, read in chunks so a file over the limit is refused before it is all in memory."""
    chunks, total = [], 0
    while chunk := file.stream.read(CHUNK_BYTES):
        total += len(chunk)
        if total > limit:
            raise UploadRejected(_l("The file is larger than %(limit)s.", limit=format_filesize(limit)))
        chunks.append(chunk)
    if not total:
        raise UploadRejected(_l("The file is empty."))
    return b"".join(chunks)


def _reencoded_image(data: bytes) -> tuple[bytes, str, str, int, int]:
    """A JPEG, PNG or WebP photo, decoded only after its dimensions passed, then saved afresh
    in the same format: upright, at most ``STORED_LONGER_SIDE`` pixels, without metadata."""
    not_an_image = _l("This file is not a JPEG, PNG or WebP image.")
    try:
        with warnings.catch_warnings():
            # The pixel count is checked below, with a message; over twice its limit Pillow refuses at once.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(IMAGE_TYPES))
    except Image.DecompressionBombError:
        raise UploadRejected(_too_large_image()) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise UploadRejected(not_an_image) from None
    with image:
        image_format = SAVED_AS.get(image.format, image.format)
        if image_format not in IMAGE_TYPES:
            raise UploadRejected(not_an_image)
        _check_dimensions(*image.size)
        try:
            if image_format == "JPEG":
                image.draft(None, _stored_size(image.size))  # decode at a reduced scale when it can
            upright = ImageOps.exif_transpose(image)
        except (OSError, SyntaxError, ValueError, EOFError):
            raise UploadRejected(not_an_image) from None
    upright.thumbnail((STORED_LONGER_SIDE, STORED_LONGER_SIDE), Image.Resampling.LANCZOS)
    content_type, extension = IMAGE_TYPES[image_format]
    return _encoded(upright, image_format), content_type, extension, upright.width, upright.height


def _check_dimensions(width: int, height: int) -> None:
    """At least 400 × 300 pixels, in either orientation; at most 12,000 pixels a side and no more
    pixels in all than Pillow's decompression-bomb limit."""
    min_long, min_short = MIN_SIDES
    if max(width, height) < min_long or min(width, height) < min_short:
        raise UploadRejected(_l("The image is too small: at least %(width)s × %(height)s pixels.",
                                width=format_number(min_long, 0), height=format_number(min_short, 0)))
    if width > MAX_SIDE or height > MAX_SIDE or width * height > _max_pixels():
        raise UploadRejected(_too_large_image())


def _max_pixels() -> int:
    return Image.MAX_IMAGE_PIXELS or MAX_SIDE * MAX_SIDE


def _too_large_image():
    return _l("The image is too large: at most %(width)s × %(height)s pixels and %(megapixels)s megapixels.",
              width=format_number(MAX_SIDE, 0), height=format_number(MAX_SIDE, 0),
              megapixels=format_number(_max_pixels() // 1_000_000, 0))


def _stored_size(size: tuple[int, int]) -> tuple[int, int]:
    scale = min(1, STORED_LONGER_SIDE / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _encoded(image: Image.Image, image_format: str) -> bytes:
    """Save with nothing from the original but its pixels, colour profile and transparency."""
    icc_profile = image.info.get("icc_profile")
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image, icc_profile = image.convert("RGB"), None
    image.info = {key: value for key, value in image.info.items() if key == "transparency"}
    options = {"PNG": {}, "JPEG": {"quality": 85, "optimize": True}, "WEBP": {"quality": 85}}[image_format]
    if icc_profile:
        options["icc_profile"] = icc_profile
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def _check_pdf(data: bytes) -> None:
    """A PDF starts with ``%PDF-`` and ends with ``%%EOF``; then a real parser (pypdf) reads every object,
    also those inside object streams whatever their filters. Refused: an encrypted PDF, one the parser cannot
    read, one too costly to check, and one with scripts, launch actions, embedded files or rich media."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-PDF_TAIL_BYTES:]:
        raise UploadRejected(_l("This file is not a PDF document."))
    try:
        with pypdf.apply_configuration(**PDF_READER_LIMITS):
            _check_pdf_content(data)
    except UploadRejected:
        raise
    except LimitReachedError:
        raise UploadRejected(_too_complex_pdf()) from None
    except Exception:  # noqa: BLE001 - whatever a damaged or hostile file makes the parser raise, it is not vouched for
        raise UploadRejected(_l("This PDF could not be read; it may be damaged. Please save it again as a PDF "
                                "and upload it anew.")) from None


def _check_pdf_content(data: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise UploadRejected(_l("This PDF is encrypted or protected by a password; please upload a version "
                                "without protection."))
    if len(reader.pages) > PDF_MAX_PAGES:
        raise UploadRejected(_too_complex_pdf())
    deadline = time.monotonic() + PDF_CHECK_SECONDS
    for count, pdf_object in enumerate(chain([reader.trailer], _pdf_objects(reader, data))):
        if count > PDF_MAX_OBJECTS or time.monotonic() > deadline:
            raise UploadRejected(_too_complex_pdf())
        found = _forbidden_name(pdf_object)
        if found in PDF_SCRIPT_NAMES:
            raise UploadRejected(_l("This PDF contains scripts or actions that start programs; "
                                    "please upload a version without them."))
        if found:
            raise UploadRejected(_l("This PDF contains attached files or embedded media; "
                                    "please upload a version without them."))


def _pdf_objects(reader: pypdf.PdfReader, data: bytes):
    """Every object of the file, parsed where it starts rather than where the cross-reference tables say, so
    none can hide from the check; after each object stream, the objects it holds, decoded whatever its filters.
    All of them share one parsing budget, so a file of a million tiny tokens cannot exhaust the memory."""
    budget, decoded, buffer = StreamParsingBudget(PDF_MAX_TOKENS), 0, io.BytesIO(data)
    for start in PDF_OBJECT_START.finditer(data):
        buffer.seek(start.start())
        reader.read_object_header(buffer)
        pdf_object = read_object(buffer, reader, parsing_budget=budget)
        yield pdf_object
        if _is_object_stream(pdf_object):
            content = pdf_object.get_data()
            decoded += len(content)
            if decoded > PDF_DECODE_BUDGET:
                raise UploadRejected(_too_complex_pdf())
            yield from _object_stream_members(reader, pdf_object, content, budget)


def _is_object_stream(pdf_object) -> bool:
    """A stream with ``/First`` holds objects whatever its ``/Type`` says, since some readers never look at
    the type; without ``/First`` no reader can find an object in it."""
    return isinstance(pdf_object, StreamObject) and "/First" in pdf_object


def _object_stream_members(reader: pypdf.PdfReader, stream: StreamObject, content: bytes,
                           budget: StreamParsingBudget):
    """Each object an object stream holds: its header lists pairs of object number and offset after
    ``/First``; all of them are read, whatever ``/N`` claims."""
    first = int(stream["/First"])
    buffer = io.BytesIO(content)
    for offset in content[:first].split()[1::2]:
        buffer.seek(first + int(offset))
        yield read_object(buffer, reader, parsing_budget=budget)


def _forbidden_name(pdf_object) -> str | None:
    """The first forbidden name that stands anywhere in the object, as a key or a value, however deep in
    its dictionaries and arrays; the objects it refers to are checked on their own."""
    pending = [pdf_object]
    while pending:
        item = pending.pop()
        if isinstance(item, DictionaryObject):
            if found := next((key for key in item if key in PDF_FORBIDDEN_NAMES), None):
                return found
            pending.extend(item.values())  # as stored: references stay references, not followed
        elif isinstance(item, ArrayObject):
            pending.extend(item)
        elif isinstance(item, NameObject) and item in PDF_FORBIDDEN_NAMES:
            return item
    return None


def _too_complex_pdf():
    return _l("This PDF could not be checked; please upload a simpler version.")


def _write_new_file(data: bytes, extension: str) -> str:
    """Write under a name nobody chose and nobody can guess; never overwrite."""
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_urlsafe(24) + extension
    with open(folder / name, "xb") as output:
        output.write(data)
    return name


#: How a document an investor sends starts: a PDF, or a photo or scan in one of the accepted formats.
_DOCUMENT_SIGNATURES = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def checked_document(file: FileStorage, limit: int) -> tuple[bytes, str, str]:
    """A PDF or an image an investor sends with their inquiry, checked by content exactly as
    brochures and photos are (images re-encoded without metadata): ``(data, content_type, extension)``.
    Raises ``UploadRejected`` with a message for the investor."""
    data = _read_within(file, limit)
    is_webp = data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if not (data.startswith(_DOCUMENT_SIGNATURES) or is_webp):
        raise UploadRejected(_l("Please send a PDF document or a JPEG, PNG or WebP image."))
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        return data, *PDF_TYPE
    data, content_type, extension, _width, _height = _reencoded_image(data)
    return data, content_type, extension


def write_private_file(folder: Path, data: bytes, extension: str) -> str:
    """Write under a random name in ``folder`` (outside the public uploads); never overwrite."""
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_urlsafe(24) + extension
    with open(folder / name, "xb") as output:
        output.write(data)
    return name
