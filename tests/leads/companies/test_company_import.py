"""Importing the FDI enterprises already here from CSV or Excel, by the lead import's rules:
columns guessed and mapped, every row checked, duplicates found, one transaction."""
import io
import re
from datetime import date

from openpyxl import Workbook
from sqlalchemy import select

from portal.leads.models import Company, RegisteredProject
from tests import factories
from tests.forms import hidden_fields
from tests.staff import post

CSV = (
    "Tên doanh nghiệp,English name,Quốc gia,Ngành,KCN,Vốn đăng ký (USD),Lao động,Số GCN,Ngày cấp GCN,"
    "Ưu đãi đến,Thuê đất đến,Người liên hệ,E-mail\n"
    "한빛전자,Hanbit Electronics,Korea,Electronic components,VSIP III,32000000,850,1234567890,15/03/2019,"
    "31/12/2027,2069-06-30,Kim Min-jun,kim@hanbit.example\n"
    "한빛전자,Hanbit Electronics,KR,,VSIP III,8000000,120,1234567891,2024-05-02,,,Kim Min-jun,kim@hanbit.example\n"
    "村田製作所,Murata Manufacturing,Japan,,,,,1234567890,,,,,\n"
    "Pou Chen,Pou Chen,Taiwan,,Nowhere Park,lots,,5550001,,,,,\n"
    "Sakura Seiki,Sakura Seiki,JP,,,12000000,300,5550002,01/02/2026,,,Sato Ken,not-an-email\n"
    "Lotte,Lotte,KR,,,5000000,,7770001,,,,,\n"
)


def upload(client, data: bytes, filename: str):
    token = hidden_fields(client.get("/staff/companies/import").text)["csrf_token"]
    return client.post("/staff/companies/import", data={"csrf_token": token, "file": (io.BytesIO(data), filename),
                                                         "language": "ko"}, content_type="multipart/form-data")


def test_the_list_is_mapped_checked_and_imported_in_one_go(staff_client, session):
    factories.sector("electronics", en="Electronic components")
    park = factories.park("vsip-3", texts={"en": "VSIP III"})
    lotte = factories.company("Lotte", name_latin="Lotte", projects=[{"certificate_number": "7770000"}])
    session.commit()

    response = upload(staff_client, CSV.encode("utf-8-sig"), "fdi.csv")
    assert response.status_code == 302
    mapping_url = response.headers["Location"]
    guessed = re.findall(r'<option value="([a-z_]+)" selected>', staff_client.get(mapping_url).text)
    assert guessed == ["name", "name_latin", "country", "sector", "park", "registered_capital_usd", "jobs",
                       "certificate_number", "certificate_date", "incentive_ends_on", "land_lease_ends_on",
                       "contact_name", "contact_email"]
    token = mapping_url.split("/")[-1].split("?")[0]
    columns = {f"column-{index}": name for index, name in enumerate(guessed)}

    checked = post(staff_client, f"/staff/companies/import/{token}/check", language="ko", **columns)
    assert "3 of 6 rows can be imported" in checked.text
    assert "the certificate 1234567890 is already recorded or earlier in the file" in checked.text
    assert "unknown industrial park: Nowhere Park" in checked.text and "not a number: lots" in checked.text
    assert "the e-mail address is not valid" in checked.text
    assert "Already recorded: the project is added to Lotte" in checked.text
    assert session.scalars(select(Company)).all() == [lotte]  # nothing saved by checking

    done = post(staff_client, f"/staff/companies/import/{token}/run", language="ko", **columns)
    assert done.status_code == 302
    session.expire_all()
    hanbit = session.scalars(select(Company).where(Company.name == "한빛전자")).one()
    assert (hanbit.name_latin, hanbit.country) == ("Hanbit Electronics", "KR")
    assert [(p.certificate_number, p.registered_capital_usd, p.park_id) for p in hanbit.projects] == \
        [("1234567890", 32_000_000, park.id), ("1234567891", 8_000_000, park.id)]
    first = hanbit.projects[0]
    assert (first.certificate_date, first.incentive_ends_on, first.land_lease_ends_on) == \
        (date(2019, 3, 15), date(2027, 12, 31), date(2069, 6, 30))
    assert [(c.name, c.email, c.language) for c in hanbit.contacts] == [("Kim Min-jun", "kim@hanbit.example", "ko")]
    assert [p.certificate_number for p in lotte.projects] == ["7770000", "7770001"]
    assert session.scalar(select(Company).where(Company.name == "Pou Chen")) is None


def test_an_excel_list_is_read_with_its_dates(staff_client, session):
    book = Workbook()
    sheet = book.active
    sheet.append(["Company", "Country", "Registered capital", "Incentive until"])
    sheet.append(["Nidec Vietnam", "Japan", 60_000_000, date(2027, 4, 1)])
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(staff_client, buffer.getvalue(), "fdi.xlsx")
    token = response.headers["Location"].split("/")[-1].split("?")[0]
    columns = {"column-0": "name", "column-1": "country", "column-2": "registered_capital_usd",
               "column-3": "incentive_ends_on"}
    post(staff_client, f"/staff/companies/import/{token}/run", language="en", **columns)
    company = session.scalars(select(Company)).one()
    assert (company.country, company.projects[0].registered_capital_usd, company.projects[0].incentive_ends_on) == \
        ("JP", 60_000_000, date(2027, 4, 1))
    assert session.scalars(select(RegisteredProject)).one().company_id == company.id


def test_a_file_that_is_not_a_list_is_refused_beside_the_field(staff_client):
    response = upload(staff_client, b"\x89PNG\r\n\x1a\nnot a list", "fdi.csv")
    assert response.status_code == 400
    assert "This is not a CSV (UTF-8) or Excel file" in response.text
