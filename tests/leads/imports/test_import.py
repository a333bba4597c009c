"""Importing people met at an event from CSV or Excel: mapping, row checks, one transaction."""
import io
import re
import time
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from portal.leads import operations
from portal.leads.imports.sheets import MAX_COLUMNS, MAX_ROWS
from portal.leads.models import Event, Lead
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.forms import hidden_fields
from tests.staff import post

CSV = (
    "Họ tên,Company,Quốc gia,E-mail,Sector,Investment (USD),Notes\n"
    "Choi Ji-hoon,Daegu Motors,Korea,choi@daegu.example,Electronic components,25000000,Wants 5 ha\n"
    "Sato Ken,Sakura Precision,JP,sato@sakura.example,,,\n"
    "No Mail,Nowhere Ltd,Korea,not-an-email,,,\n"
    "Kim Min-jun,Hanbit,KR,KIM@hanbit.example,,,Second meeting\n"
    "Far Away,Atlantis Co,Atlantis,far@away.example,,,\n"
)


def upload(client, data: bytes, filename: str, **fields):
    page = client.get("/staff/leads/import")
    token = hidden_fields(page.text)["csrf_token"]
    return client.post("/staff/leads/import", data={"csrf_token": token, "file": (io.BytesIO(data), filename),
                                                    "language": "ko", **fields},
                       content_type="multipart/form-data")


def test_csv_import_maps_checks_and_imports_in_one_go(staff_client, session):
    factories.sector("electronics", en="Electronic components")
    event = Event(name="Meet Korea 2026", kind="delegation", starts_on=__import__("datetime").date(2026, 10, 12))
    session.add(event)
    existing = factories.lead("Hanbit", email="kim@hanbit.example")
    session.commit()

    response = upload(staff_client, CSV.encode("utf-8-sig"), "list.csv", event=str(event.id))
    assert response.status_code == 302
    mapping_url = response.headers["Location"]
    page = staff_client.get(mapping_url).text
    guessed = re.findall(r'<option value="([a-z_]+)" selected>', page)
    assert guessed == ["name", "company", "country", "email", "sectors", "estimated_investment_usd", "message"]

    token = mapping_url.split("/")[-1].split("?")[0]
    columns = {f"column-{index}": name for index, name in enumerate(guessed)}
    checked = post(staff_client, f"/staff/leads/import/{token}/check", event=str(event.id), language="ko", **columns)
    assert "3 of 5 rows can be imported" in checked.text
    assert "the e-mail address is missing or not valid" in checked.text
    assert "unknown country: Atlantis" in checked.text
    assert f"Already a lead ({existing.reference})" in checked.text

    done = post(staff_client, f"/staff/leads/import/{token}/run", event=str(event.id), language="ko", **columns)
    assert done.status_code == 302
    leads = {lead.email: lead for lead in session.scalars(select(Lead))}
    assert set(leads) == {"choi@daegu.example", "sato@sakura.example", "kim@hanbit.example"}
    choi = leads["choi@daegu.example"]
    assert (choi.kind, choi.source, choi.event_id, choi.country, choi.preferred_language) == (
        "event", "event", event.id, "KR", "ko")
    assert choi.estimated_investment_usd == 25_000_000 and [s.code for s in choi.sectors] == ["electronics"]
    assert "Meet Korea 2026" in choi.message and "Wants 5 ha" in choi.message
    session.refresh(existing)
    assert existing.activities[-1].body.endswith("Second meeting") and existing.event_id == event.id
    assert staff_client.get(mapping_url).status_code == 404  # the uploaded file is gone


def test_excel_import(staff_client, session):
    book = Workbook()
    book.active.append(["Name", "E-mail", "Country"])
    book.active.append(["Tan Wei Ming", "tan@lion.example", "Singapore"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(staff_client, buffer.getvalue(), "list.xlsx")
    token = response.headers["Location"].split("/")[-1].split("?")[0]
    post(staff_client, f"/staff/leads/import/{token}/run", language="en", **{"column-0": "name", "column-1": "email",
                                                                                "column-2": "country"})
    lead = session.scalars(select(Lead)).one()
    assert (lead.name, lead.country) == ("Tan Wei Ming", "SG")


@pytest.mark.parametrize("data", [b"MZ\x90\x00\x03\x00\x00\x00 not a list", b"PK\x03\x04broken zip", b"",
                                  "only,a,header\n".encode()])
def test_unreadable_files_are_refused(staff_client, session, data):
    response = upload(staff_client, data, "list.csv")
    assert response.status_code == 400
    assert "This is not a CSV (UTF-8) or Excel file the portal can read" in response.text or not data


# --- hostile files: refused quickly, with a message that says why ------------------------------

TOO_LONG = "The list is too long: at most 2,000 rows below the header. Split it into several files."
UNPACKED = "This Excel file is too large once unpacked (at most 20 MB) or is built unusually."


def workbook(rows: bytes, dimension: bytes = b"", extra: tuple[tuple[str, bytes], ...] = ()) -> bytes:
    """An .xlsx written part by part as Excel would, with the given ``<row>`` elements in its only sheet,
    the ``<dimension>`` it declares and any ``extra`` parts."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                               'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                               '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                               'officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{package}"><Relationship Id="rId1" Target="xl/workbook.xml" '
                       f'Type="{relations}/officeDocument"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{relations}"><sheets>'
                           '<sheet name="Meet Korea" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
                                      f'Target="worksheets/sheet1.xml" Type="{relations}/worksheet"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}">'.encode() + dimension + b"<sheetData>" + rows
                                    + b"</sheetData></worksheet>",
    }
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (*parts.items(), *extra):
            archive.writestr(name, data)
    return output.getvalue()


def row(number: int, *values: str) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in values)
    return f'<row r="{number}">{cells}</row>'.encode()


def people(count: int, start: int = 2) -> bytes:
    numbers = range(start, start + count)
    return b"".join(row(number, f"Person {number}", f"p{number}@list.example") for number in numbers)


def refusal(client, data: bytes, filename: str) -> str:
    """Upload the file and return the message shown beside the file field, checking it came within a second or two."""
    started = time.perf_counter()
    response = upload(client, data, filename)
    assert time.perf_counter() - started < 2
    assert response.status_code == 400
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


@pytest.mark.parametrize("rows, dimension", [
    (row(1, "Name", "E-mail") + row(2, "Kim", "kim@hanbit.example"), b'<dimension ref="A1:XFD1048576"/>'),
    (row(1, "Name", "E-mail") + row(1048576, "Kim", "kim@hanbit.example"), b""),  # the last row Excel has
], ids=["declared", "last row"])
def test_a_tiny_workbook_claiming_a_million_rows_is_refused_at_once(staff_client, session, rows, dimension):
    data = workbook(rows, dimension)
    assert len(data) < 2000
    assert TOO_LONG in refusal(staff_client, data, "meet-korea.xlsx")


@pytest.mark.parametrize("extra", [
    (("xl/media/image1.png", bytes(30 * 1024 * 1024)),),  # 30 MB of zeros in a few kilobytes
    (("xl/media/image1.png", bytes(5 * 1024 * 1024)),),  # under the total, but squeezed a thousand times
    tuple((f"xl/media/image{number}.png", b"") for number in range(600)),
], ids=["unpacks too large", "compressed too much", "too many parts"])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(staff_client, session, extra):
    data = workbook(row(1, "Name", "E-mail") + row(2, "Kim", "kim@hanbit.example"), extra=extra)
    assert len(data) < 100_000
    assert UNPACKED in refusal(staff_client, data, "meet-korea.xlsx")


def test_a_list_longer_than_the_limit_is_refused_without_reading_the_rest(staff_client, session):
    header, dimension = row(1, "Name", "E-mail"), b'<dimension ref="A1:B2502"/>'
    broken_after_the_limit = header + people(MAX_ROWS + 1) + people(500, start=MAX_ROWS + 3) + b"<row r=<<"
    assert TOO_LONG in refusal(staff_client, workbook(broken_after_the_limit, dimension), "meet-korea.xlsx")
    assert "can read" in refusal(staff_client, workbook(header + people(10) + b"<row r=<<", dimension), "broken.xlsx")

    csv_rows = ["Name,E-mail"] + [f"Person {number},p{number}@list.example" for number in range(MAX_ROWS + 1)]
    assert TOO_LONG in refusal(staff_client, "\n".join(csv_rows).encode(), "list.csv")
    assert upload(staff_client, "\n".join(csv_rows[:-1]).encode(), "list.csv").status_code == 302  # 2,000: fine
    assert upload(staff_client, workbook(header + people(MAX_ROWS)), "list.xlsx").status_code == 302


def test_a_list_wider_than_the_limit_is_refused(staff_client, session):
    headers = ["Name", "E-mail"] + [f"Note {number}" for number in range(MAX_COLUMNS - 1)]
    message = "The list has too many columns: at most 50. Delete the columns you do not import and upload it again."
    assert message in refusal(staff_client, workbook(row(1, *headers) + row(2, "Kim", "kim@hanbit.example")),
                              "wide.xlsx")
    assert message in refusal(staff_client, (",".join(headers) + "\nKim,kim@hanbit.example\n").encode(), "wide.csv")
    assert upload(staff_client, (",".join(headers[:-1]) + "\nKim,kim@hanbit.example\n").encode(),
                  "list.csv").status_code == 302


def test_a_failure_during_import_saves_nothing(staff_client, session, monkeypatch):
    data = "Name,E-mail\nA,a@x.example\nB,b@x.example\n".encode()
    token = upload(staff_client, data, "list.csv").headers["Location"].split("/")[-1].split("?")[0]
    calls = {"count": 0}
    real = operations.priority_score

    def failing(lead):
        calls["count"] += 1
        if calls["count"] == 2:
            raise RuntimeError("disk full")
        return real(lead)

    monkeypatch.setattr(operations, "priority_score", failing)
    with pytest.raises(RuntimeError):
        post(staff_client, f"/staff/leads/import/{token}/run", language="en", **{"column-0": "name",
                                                                                  "column-1": "email"})
    session.expire_all()
    assert session.scalars(select(Lead)).all() == []


def test_officers_cannot_import(app, session):
    from tests.staff import log_in

    officer = factories.user()
    session.commit()
    client = app.test_client()
    log_in(client, officer)
    assert client.get("/staff/leads/import").status_code == 403


def test_an_imported_lead_is_assigned_automatically_like_a_web_inquiry(staff_client, session):
    korean_desk = factories.user(name="Korea desk", language="ko")
    korean_desk.auto_assign, korean_desk.languages, korean_desk.countries, korean_desk.capacity = True, "ko", "KR", 10
    session.commit()
    data = "Name,E-mail,Country,Language\nChoi Ji-hoon,choi@daegu.example,KR,ko\nJohn Smith,john@acme.example,US,en\n"
    token = upload(staff_client, data.encode(), "list.csv").headers["Location"].split("/")[-1].split("?")[0]
    columns = {"column-0": "name", "column-1": "email", "column-2": "country", "column-3": "preferred_language"}
    assert post(staff_client, f"/staff/leads/import/{token}/run", language="en", **columns).status_code == 302
    owners = {lead.email: lead.owner for lead in session.scalars(select(Lead))}
    assert owners == {"choi@daegu.example": korean_desk, "john@acme.example": None}
    told = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "lead_assigned")).one()
    assert told.recipient == korean_desk.email
