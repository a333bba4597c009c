"""Photos and brochures: accepted by their content, re-encoded, stored under random names,
served with safe headers, and shown on the project and park pages."""
import io
import re
import time
import zlib
from pathlib import Path

import pytest
from flask import request
from flask_wtf.csrf import generate_csrf
from PIL import ExifTags, Image
from pypdf import PdfWriter
from pypdf.annotations import Link
from werkzeug.datastructures import FileStorage

from portal import create_app
from portal.projects.media import uploads as media_uploads
from portal.projects.media.uploads import UploadRejected, accepts_large_upload, delete_stored_file, store_upload
from portal.projects.models import MediaKind
from tests import factories
from tests.pdfs import ObjectStream, pdf


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch) -> Path:
    """Every test stores its files in a folder of its own (created by the first upload)."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(folder))
    return folder


def photo(size=(800, 600), image_format="JPEG", exif=True) -> bytes:
    """A real photo, with the camera's metadata and GPS position a phone would add."""
    image = Image.new("RGB", size, (11, 79, 108))
    image.paste((179, 38, 30), (0, 0, size[0] // 2, size[1] // 3))
    metadata = Image.Exif()
    if exif:
        metadata[ExifTags.Base.Make] = "SecretCam"
        metadata[ExifTags.Base.Orientation] = 6  # shot holding the phone upright
        gps = metadata.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps[ExifTags.GPS.GPSLatitude] = (10.0, 58.0, 12.0)
    output = io.BytesIO()
    image.save(output, format=image_format, exif=metadata)
    return output.getvalue()


def upload(data: bytes, filename: str, content_type: str = "application/octet-stream") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type=content_type)


def rejection(item, data: bytes, filename: str, kind: MediaKind, content_type="application/octet-stream") -> str:
    with pytest.raises(UploadRejected) as caught:
        store_upload(item, upload(data, filename, content_type), kind, None)
    return str(caught.value)


@pytest.fixture
def project(session):
    item = factories.project("chip-fab", texts={"en": "Chip packaging plant", "ko": "반도체 패키징 공장"})
    session.commit()
    return item


# --- what is accepted, and how it is stored ---------------------------------------------------


def test_a_photo_is_re_encoded_upright_without_its_metadata(session, project, uploads, manager):
    original = photo(size=(800, 600))
    media = store_upload(project, upload(original, "Nhà máy ảnh 1.JPG", "image/jpeg"), MediaKind.IMAGE, manager.id)
    session.commit()

    stored = uploads / media.stored_name
    data = stored.read_bytes()
    assert data != original and b"SecretCam" not in data and b"Exif" not in data
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (600, 800)  # turned as the camera said, then the tag dropped
        assert not image.getexif() and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert (media.kind, media.content_type, media.width, media.height) == ("image", "image/jpeg", 600, 800)
    assert media.size_bytes == len(data) and media.position == 0 and media.uploaded_by_id == manager.id
    assert media.original_name == "Nha_may_anh_1.JPG" and media.project_id == project.id


def test_a_file_is_stored_under_a_random_name_with_the_extension_of_what_it_is(session, project, uploads):
    png_named_jpg = store_upload(project, upload(photo(image_format="PNG"), "photo.jpg", "image/jpeg"),
                                 MediaKind.IMAGE, None)
    again = store_upload(project, upload(photo(image_format="PNG"), "photo.jpg"), MediaKind.IMAGE, None)
    webp = store_upload(project, upload(photo(image_format="WEBP", exif=False), "photo"), MediaKind.IMAGE, None)
    session.commit()

    assert png_named_jpg.stored_name.endswith(".png") and png_named_jpg.content_type == "image/png"
    assert webp.stored_name.endswith(".webp") and webp.content_type == "image/webp"
    assert "photo" not in png_named_jpg.stored_name and png_named_jpg.stored_name != again.stored_name
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}\.png", png_named_jpg.stored_name)
    assert [m.position for m in project.media] == [0, 1, 2]
    assert sorted(path.name for path in uploads.iterdir()) == sorted(m.stored_name for m in project.media)


def test_a_large_photo_is_scaled_down_to_2560_pixels(session, project, uploads):
    media = store_upload(project, upload(photo(size=(4000, 3000), exif=False), "big.jpg"), MediaKind.IMAGE, None)
    assert (media.width, media.height) == (2560, 1920)
    with Image.open(uploads / media.stored_name) as image:
        assert image.size == (2560, 1920)


def test_a_portrait_photo_passes_the_minimum_size(session, project):
    media = store_upload(project, upload(photo(size=(300, 400), exif=False), "tall.png"), MediaKind.IMAGE, None)
    assert (media.width, media.height) == (300, 400)


def test_a_pdf_brochure_is_stored_as_it_is(session, project, uploads):
    image = Image.new("RGB", (400, 300), "white")
    output = io.BytesIO()
    image.save(output, format="PDF")  # a real PDF, as Pillow writes it
    media = store_upload(project, upload(output.getvalue(), "../../VSIP brochure 2025.pdf"), MediaKind.BROCHURE, None)
    session.commit()
    assert (uploads / media.stored_name).read_bytes() == output.getvalue()
    assert media.stored_name.endswith(".pdf") and media.content_type == "application/pdf"
    assert media.original_name == "VSIP_brochure_2025.pdf" and media.width is None


# --- what is refused ------------------------------------------------------------------------


@pytest.mark.parametrize("executable", [b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(2000),
                                        b"\x7fELF\x02\x01\x01\x00" + bytes(2000)])
def test_a_renamed_executable_is_refused(session, project, uploads, executable):
    message = rejection(project, executable, "photo.jpg", MediaKind.IMAGE, "image/jpeg")
    assert message == "This file is not a JPEG, PNG or WebP image."
    message = rejection(project, executable, "brochure.pdf", MediaKind.BROCHURE, "application/pdf")
    assert message == "This file is not a PDF document."
    assert not uploads.exists() and project.media == []


@pytest.mark.parametrize("data", [
    b"\xff\xd8\xff\xe0" + bytes(100),  # a JPEG header and nothing after it
    photo()[:2000],  # cut off in the middle
    b"GIF89a" + bytes(100),
    b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
])
def test_anything_but_a_whole_jpeg_png_or_webp_is_refused(session, project, data):
    assert rejection(project, data, "photo.jpg", MediaKind.IMAGE) == "This file is not a JPEG, PNG or WebP image."


def test_a_file_over_the_limit_is_refused(app, session, project, monkeypatch, uploads):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_IMAGE_BYTES", 50 * 1024)
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BROCHURE_BYTES", 2 * 1024 * 1024)
    noisy = Image.effect_noise((800, 600), 100).convert("RGB")
    output = io.BytesIO()
    noisy.save(output, format="PNG")
    assert len(output.getvalue()) > 50 * 1024
    assert rejection(project, output.getvalue(), "noise.png", MediaKind.IMAGE) == "The file is larger than 50 kB."
    assert rejection(project, pdf(padding=3 * 1024 * 1024), "big.pdf",
                     MediaKind.BROCHURE) == "The file is larger than 2 MB."
    assert not uploads.exists()


def test_an_empty_file_is_refused(session, project):
    assert rejection(project, b"", "photo.jpg", MediaKind.IMAGE) == "The file is empty."


def test_an_image_too_small_or_too_large_is_refused(session, project):
    assert rejection(project, photo(size=(399, 300), exif=False), "small.jpg", MediaKind.IMAGE) == (
        "The image is too small: at least 400 × 300 pixels.")
    assert rejection(project, photo(size=(200, 1000), exif=False), "thin.jpg", MediaKind.IMAGE) == (
        "The image is too small: at least 400 × 300 pixels.")
    strip = io.BytesIO()
    Image.new("1", (12001, 400)).save(strip, format="PNG")
    assert rejection(project, strip.getvalue(), "strip.png", MediaKind.IMAGE) == (
        "The image is too large: at most 12,000 × 12,000 pixels and 89 megapixels.")


def test_a_decompression_bomb_is_refused_before_it_is_decoded(session, project):
    bomb = io.BytesIO()
    Image.new("1", (11000, 11000)).save(bomb, format="PNG")  # a few kilobytes, 121 million pixels
    assert len(bomb.getvalue()) < 100_000
    assert rejection(project, bomb.getvalue(), "bomb.png", MediaKind.IMAGE).startswith("The image is too large")


@pytest.mark.parametrize("action", [
    b"4 0 obj << /Type /Action /S /JavaScript /JS (app.alert(1)) >> endobj\n",
    b"4 0 obj << /S /Launch /F (calc.exe) >> endobj\n",
    b"4 0 obj << /S /J#61vaScript /JS (app.alert(1)) >> endobj\n",  # the same name, hex-escaped
])
def test_a_pdf_with_scripts_or_launch_actions_is_refused(session, project, action):
    assert rejection(project, pdf(action), "brochure.pdf", MediaKind.BROCHURE).startswith(
        "This PDF contains scripts or actions")


def test_a_script_hidden_in_a_compressed_object_stream_is_found(session, project):
    hidden = zlib.compress(b"5 0 << /Type /Action /S /JavaScript /JS (app.alert(1)) >>")
    objects = b"4 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >> stream\n" % len(hidden)
    assert rejection(project, pdf(objects + hidden + b"\nendstream endobj\n"), "brochure.pdf",
                     MediaKind.BROCHURE).startswith("This PDF contains scripts")
    harmless = zlib.compress(b"5 0 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects = b"4 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >> stream\n" % len(harmless)
    assert store_upload(project, upload(pdf(objects + harmless + b"\nendstream endobj\n"), "ok.pdf"),
                        MediaKind.BROCHURE, None)


SCRIPT = b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>"
REFUSED_SCRIPTS = "This PDF contains scripts or actions that start programs; please upload a version without them."
REFUSED_FILES = "This PDF contains attached files or embedded media; please upload a version without them."
TOO_COMPLEX = "This PDF could not be checked; please upload a simpler version."


def written_by_a_library(change=None) -> bytes:
    """A brochure as a PDF library saves it: an A4 page with a link to the centre's site, then ``change``."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_annotation(0, Link(rect=(50, 50, 250, 80), url="https://invest.example/en/parks/vsip-3"))
    writer.add_metadata({"/Title": "VSIP III"})
    if change:
        change(writer)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


@pytest.mark.parametrize("filters", [(b"/ASCIIHexDecode",), (b"/ASCIIHexDecode", b"/FlateDecode")],
                         ids=["hex", "hex then flate"])
def test_a_script_run_on_opening_is_found_in_an_object_stream_whatever_its_filters(session, project, filters):
    brochure = pdf(ObjectStream(4, {5: SCRIPT}, filters=filters), catalog=b" /OpenAction 5 0 R")
    assert rejection(project, brochure, "brochure.pdf", MediaKind.BROCHURE) == REFUSED_SCRIPTS


def test_a_script_run_on_opening_is_found_when_its_object_stream_starts_more_than_a_kilobyte_earlier(session,
                                                                                                     project):
    brochure = pdf(ObjectStream(4, {5: SCRIPT}, padding=1500), catalog=b" /OpenAction 5 0 R")
    assert brochure.index(b"stream\n") - brochure.index(b"/ObjStm") > 1024
    assert rejection(project, brochure, "brochure.pdf", MediaKind.BROCHURE) == REFUSED_SCRIPTS


def test_a_script_is_found_in_an_object_stream_that_does_not_say_it_is_one(session, project):
    untyped = bytes(ObjectStream(4, {5: SCRIPT})).replace(b"/Type /ObjStm ", b"")
    assert rejection(project, pdf(untyped, catalog=b" /OpenAction 5 0 R"), "brochure.pdf",
                     MediaKind.BROCHURE) == REFUSED_SCRIPTS


def test_a_program_launched_when_the_page_opens_is_refused(session, project):
    launch = b"<< /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >>"
    brochure = pdf(ObjectStream(4, {5: launch}, filters=(b"/ASCIIHexDecode",)), page=b" /AA << /O 5 0 R >>")
    assert rejection(project, brochure, "brochure.pdf", MediaKind.BROCHURE) == REFUSED_SCRIPTS


@pytest.mark.parametrize("brochure", [
    written_by_a_library(lambda writer: writer.add_attachment("price-list.xlsm", b"PK\x03\x04 with macros")),
    pdf(b"4 0 obj << /Type /Annot /Subtype /FileAttachment /Rect [0 0 20 20] /FS (setup.exe) >> endobj\n",
        page=b" /Annots [4 0 R]"),
    pdf(ObjectStream(4, {5: b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 400 300] >>"}),
        page=b" /Annots [5 0 R]"),
], ids=["embedded file", "attachment on the page", "rich media"])
def test_a_pdf_carrying_other_files_or_media_is_refused(session, project, brochure):
    assert rejection(project, brochure, "brochure.pdf", MediaKind.BROCHURE) == REFUSED_FILES


def test_an_encrypted_pdf_is_refused_even_when_it_opens_without_a_password(session, project):
    locked = written_by_a_library(lambda writer: writer.encrypt("", owner_password="centre", algorithm="RC4-128"))
    assert rejection(project, locked, "brochure.pdf", MediaKind.BROCHURE) == (
        "This PDF is encrypted or protected by a password; please upload a version without protection.")


@pytest.mark.parametrize("data", [b"%PDF-1.7\nnot a document at all\n%%EOF\n", pdf()[:150] + b"\n%%EOF\n"],
                         ids=["no objects", "cut off"])
def test_a_pdf_the_parser_cannot_read_is_refused(session, project, data):
    assert rejection(project, data, "brochure.pdf", MediaKind.BROCHURE) == (
        "This PDF could not be read; it may be damaged. Please save it again as a PDF and upload it anew.")


def test_a_decompression_bomb_in_an_object_stream_is_refused_quickly(session, project):
    compressor, megabyte = zlib.compressobj(9), bytes(1024 * 1024)
    bomb = b"".join([compressor.compress(b"5 0\n<< >>\n"), *(compressor.compress(megabyte) for _ in range(100)),
                     compressor.flush()])
    objects = b"4 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >> stream\n" % len(bomb)
    brochure = pdf(objects + bomb + b"\nendstream endobj\n")
    assert len(brochure) < 200_000  # 100 MB once inflated
    started = time.perf_counter()
    assert rejection(project, brochure, "bomb.pdf", MediaKind.BROCHURE) == TOO_COMPLEX
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize("limit", ["PDF_MAX_OBJECTS", "PDF_MAX_TOKENS", "PDF_MAX_PAGES", "PDF_CHECK_SECONDS"])
def test_a_brochure_too_costly_to_check_is_refused(session, project, monkeypatch, limit):
    monkeypatch.setattr(media_uploads, limit, -1 if limit == "PDF_CHECK_SECONDS" else 0)
    assert rejection(project, pdf(), "brochure.pdf", MediaKind.BROCHURE) == TOO_COMPLEX


@pytest.mark.parametrize("brochure", [
    written_by_a_library(),
    pdf(ObjectStream(4, {5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"},
                     filters=(b"/ASCIIHexDecode", b"/FlateDecode")), page=b" /Resources << /Font << /F1 5 0 R >> >>"),
], ids=["written by a library", "font in an object stream"])
def test_a_clean_pdf_is_accepted_and_stored_as_it_is(session, project, uploads, brochure):
    media = store_upload(project, upload(brochure, "vsip-3.pdf"), MediaKind.BROCHURE, None)
    assert (uploads / media.stored_name).read_bytes() == brochure


def test_a_pdf_without_its_end_is_refused(session, project):
    assert rejection(project, pdf()[:-7], "cut.pdf", MediaKind.BROCHURE) == "This file is not a PDF document."
    assert rejection(project, photo(), "photo.pdf", MediaKind.BROCHURE) == "This file is not a PDF document."


def test_a_deleted_file_disappears_from_disk(session, project, uploads):
    media = store_upload(project, upload(pdf(), "a.pdf"), MediaKind.BROCHURE, None)
    session.commit()
    session.delete(media)
    session.commit()
    delete_stored_file(media)
    assert not (uploads / media.stored_name).exists()
    delete_stored_file(media)  # already gone: nothing to do


def test_an_upload_view_takes_a_brochure_larger_than_public_forms_may_send(tmp_path, monkeypatch):
    """Flask-WTF reads the form for its CSRF check before any view runs: the limit must be lifted before."""
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'portal.sqlite3'}"})

    @app.get("/token")
    def token():
        return generate_csrf()

    @app.post("/upload")
    @accepts_large_upload
    def receive():
        return str(len(request.files["file"].read()))

    @app.post("/form")
    def public_form():
        return str(len(request.files["file"].read()))

    client = app.test_client()
    csrf_token = client.get("/token").text
    brochure = b"%PDF-1.7\n" + bytes(5 * 1024 * 1024)

    def send(url: str, **fields):
        return client.post(url, data={"file": (io.BytesIO(brochure), "brochure.pdf"), **fields})

    assert send("/upload", csrf_token=csrf_token).text == str(len(brochure))
    assert send("/form", csrf_token=csrf_token).status_code == 413  # the 4 MB limit everywhere else
    assert send("/upload").status_code == 400  # the token is still required
    assert app.config["MAX_CONTENT_LENGTH"] == 4 * 1024 * 1024


# --- serving --------------------------------------------------------------------------------


def test_a_photo_is_served_inline_with_its_type_and_a_long_cache(client, session, project):
    media = store_upload(project, upload(photo(image_format="PNG"), "photo.jpg"), MediaKind.IMAGE, None)
    session.commit()
    response = client.get(f"/media/{media.stored_name}")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    assert not response.headers.get("Content-Disposition", "inline").startswith("attachment")
    assert {"public", "max-age=31536000", "immutable"} <= set(re.split(r",\s*", response.headers["Cache-Control"]))
    with Image.open(io.BytesIO(response.data)) as image:
        assert image.format == "PNG"


def test_a_brochure_is_served_as_a_download(client, session, project):
    named = store_upload(project, upload(pdf(), "VSIP brochure.pdf"), MediaKind.BROCHURE, None)
    unnamed = store_upload(project, upload(pdf(), "브로셔.pdf"), MediaKind.BROCHURE, None)
    session.commit()
    response = client.get(f"/media/{named.stored_name}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == "attachment; filename=VSIP_brochure.pdf"
    assert response.data == pdf()
    response = client.get(f"/media/{unnamed.stored_name}")
    assert response.headers["Content-Disposition"] == "attachment; filename=chip-fab.pdf"


@pytest.mark.parametrize("name", ["does-not-exist.jpg", "..%2F..%2Fportal.sqlite3", "x" * 70])
def test_an_unknown_name_is_a_404(client, name):
    assert client.get(f"/media/{name}").status_code == 404


def test_a_drafts_files_are_hidden_from_the_public_but_shown_to_staff(client, staff_client, session):
    draft = factories.park("new-park", published=False)
    session.commit()
    media = store_upload(draft, upload(pdf(), "plan.pdf"), MediaKind.BROCHURE, None)
    session.commit()
    url = f"/media/{media.stored_name}"
    assert client.get(url).status_code == 404
    response = staff_client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]


def test_a_file_missing_from_disk_is_a_404(client, session, project, uploads):
    media = store_upload(project, upload(pdf(), "a.pdf"), MediaKind.BROCHURE, None)
    session.commit()
    (uploads / media.stored_name).unlink()
    assert client.get(f"/media/{media.stored_name}").status_code == 404


# --- public pages ---------------------------------------------------------------------------


def test_the_project_page_shows_its_photos_and_brochure_in_every_language(client, session, project):
    first = store_upload(project, upload(photo(size=(1200, 900), exif=False), "a.jpg"), MediaKind.IMAGE, None)
    store_upload(project, upload(photo(size=(800, 600), exif=False), "b.jpg"), MediaKind.IMAGE, None)
    brochure = store_upload(project, upload(pdf(padding=2_500_000), "b.pdf"), MediaKind.BROCHURE, None)
    session.commit()

    html = client.get("/en/projects/chip-fab").text
    gallery = html[html.index('id="photos-title"'):]
    assert gallery.count("<figure>") == 2
    assert (f'<img src="/media/{first.stored_name}" width="1200" height="900" loading="lazy" '
            'alt="Chip packaging plant, photo 1 of 2">') in gallery
    assert 'alt="Chip packaging plant, photo 2 of 2"' in gallery
    link = re.search(rf'<a href="/media/{brochure.stored_name}" type="application/pdf">(.*?)</a>', html, re.S)
    assert " ".join(re.sub(r"<[^>]+>", " ", link[1]).split()) == "Chip packaging plant: brochure (PDF, 2.4 MB)"

    korean = client.get("/ko/projects/chip-fab").text
    assert 'alt="반도체 패키징 공장, 사진 2장 중 1번째"' in korean
    assert f'href="/media/{brochure.stored_name}"' in korean and "2.4MB" in korean
    assert "2,4 MB" in client.get("/vi/projects/chip-fab").text.replace("\xa0", " ")


def test_the_park_page_shows_its_photos_and_brochures(client, session):
    park = factories.park("vsip-3", texts={"en": "VSIP III", "vi": "KCN VSIP III"})
    session.commit()
    store_upload(park, upload(photo(exif=False), "site.jpg"), MediaKind.IMAGE, None)
    store_upload(park, upload(pdf(), "land.pdf"), MediaKind.BROCHURE, None)
    factories_pdf = store_upload(park, upload(pdf(padding=300_000), "factories.pdf"), MediaKind.BROCHURE, None)
    session.commit()

    html = client.get("/ko/parks/vsip-3").text.replace("\xa0", " ")
    assert 'alt="VSIP III, 사진 1장 중 1번째"' in html and 'loading="lazy"' in html
    assert "VSIP III: 브로슈어 2개 중 1번째" in html and "VSIP III: 브로슈어 2개 중 2번째" in html
    assert factories_pdf.size_bytes == 300_435
    assert "(PDF, 293.4kB)" in html  # 300,435 / 1024; Korean writes no space before the unit


def test_a_page_without_media_shows_no_empty_sections(client, session, project):
    html = client.get("/en/projects/chip-fab").text
    assert 'id="photos-title"' not in html and 'id="brochures-title"' not in html


def test_photos_do_not_add_queries_to_the_page(client, session, project, count_queries):
    with count_queries() as without_media:
        client.get("/en/projects/chip-fab")
    for number in range(4):
        store_upload(project, upload(photo(exif=False), f"{number}.jpg"), MediaKind.IMAGE, None)
    store_upload(project, upload(pdf(), "b.pdf"), MediaKind.BROCHURE, None)
    session.commit()
    with count_queries() as with_media:
        assert client.get("/en/projects/chip-fab").text.count("<figure>") == 4
    assert with_media.count == without_media.count
