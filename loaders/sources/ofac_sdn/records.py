"""The records of a load: valid sdn.csv rows, with what sdn_comments.csv, alt.csv and add.csv add to them."""

from __future__ import annotations

from dataclasses import dataclass, field

from graph import SourceFormatError
from loaders.sources.ofac_sdn.fields import add_unique, null, split_programs
from loaders.sources.ofac_sdn.files import CsvRow, FileCheck
from loaders.sources.ofac_sdn.tables import ADD_FILE, ALT_FILE, ALT_TYPES, COMMENTS_FILE, NULL, SDN_FILE, SDN_TYPES

#: Length of sdn.csv's Remarks field; longer remarks continue in sdn_comments.csv.
REMARKS_LIMIT = 1000


@dataclass
class SdnRecord:
    """A valid sdn.csv row, plus what the other files add to it."""

    ent_num: str
    line: int
    name: str
    sdn_type: str
    programs: list[str]
    title: str | None
    call_sign: str | None
    vessel_type: str | None
    tonnage: str | None
    grt: str | None
    flag: str | None
    owner: str | None
    remarks: str | None
    continuation: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    address_countries: list[str] = field(default_factory=list)
    addresses: list[AddressRow] = field(default_factory=list)

    @property
    def full_remarks(self) -> str | None:
        text = (self.remarks or "") + "".join(self.continuation)
        return text or None


@dataclass(frozen=True)
class AddressRow:
    ent_num: str
    add_num: str
    address: str | None
    city: str | None
    country: str | None
    remarks: str | None


class RecordReader:
    """Reads sdn.csv into records, then the other files into them; each ``read_*`` returns its file's checks."""

    def __init__(self) -> None:
        #: ent_nums whose remarks sdn_comments.csv continues although they do not fill the field
        self.short_continued: list[str] = []

    def read_sdn(self, file: str, text: str) -> tuple[dict[str, SdnRecord], list[FileCheck]]:
        check = FileCheck(file, SDN_FILE)
        records: dict[str, SdnRecord] = {}
        for row in check.valid_rows(text):
            f = row.fields
            ent_num = f[0].strip()
            sdn_type = f[2].strip()
            type_key = NULL if sdn_type == NULL else sdn_type.casefold()
            if type_key not in SDN_TYPES:
                check.reject(row, "SDN_Type", f"unknown SDN_Type: {sdn_type!r}")
                continue
            name = null(f[1])
            if name is None:
                check.reject(row, "SDN_Name", "empty name")
                continue
            if ent_num in records:
                check.reject(row, "ent_num", f"duplicate ent_num: {ent_num} first on line {records[ent_num].line}")
                continue
            records[ent_num] = SdnRecord(
                ent_num=ent_num,
                line=row.line,
                name=" ".join(name.split()),
                sdn_type=type_key,
                programs=split_programs(f[3]),
                title=null(f[4]),
                call_sign=null(f[5]),
                vessel_type=null(f[6]),
                tonnage=null(f[7]),
                grt=null(f[8]),
                flag=null(f[9]),
                owner=null(f[10]),
                remarks=f[11] if null(f[11]) is not None else None,  # unstripped: a cut may end in a space
            )
        if not check.rows:
            raise SourceFormatError(file, None, None, "no records")
        check.finish()
        return records, [check]

    @staticmethod
    def _known(check: FileCheck, row: CsvRow, records: dict[str, SdnRecord]) -> SdnRecord | None:
        record = records.get(row.fields[0].strip())
        if record is None:
            check.reject(row, "ent_num", f"unknown ent_num: {row.fields[0].strip()} is not in {SDN_FILE}")
        return record

    def read_comments(self, file: str, text: str, records: dict[str, SdnRecord]) -> FileCheck:
        check = FileCheck(file, COMMENTS_FILE)
        for row in check.valid_rows(text):
            record = self._known(check, row, records)
            extra = row.fields[1]
            if record is None or null(extra) is None:
                continue
            if not record.continuation and len(record.remarks or "") < REMARKS_LIMIT:
                # OFAC only continues remarks that fill the field: sdn.csv and sdn_comments.csv may be of two dates
                self.short_continued.append(record.ent_num)
            record.continuation.append(extra)
        check.finish()
        return check

    def read_alt(self, file: str, text: str, records: dict[str, SdnRecord]) -> FileCheck:
        check = FileCheck(file, ALT_FILE)
        for row in check.valid_rows(text, id_columns=2):
            alt_type = (null(row.fields[2]) or "").casefold().replace(".", "")
            if alt_type not in ALT_TYPES:
                check.reject(row, "alt_type", f"unknown alt_type: {row.fields[2].strip()!r}")
                continue
            alt_name = null(row.fields[3])
            if alt_name is None:
                check.reject(row, "alt_name", "empty name")
                continue
            record = self._known(check, row, records)
            if record is not None:
                add_unique(record.aliases, " ".join(alt_name.split()))
        check.finish()
        return check

    def read_add(self, file: str, text: str, records: dict[str, SdnRecord]) -> FileCheck:
        check = FileCheck(file, ADD_FILE)
        seen: dict[tuple[str, str], int] = {}
        for row in check.valid_rows(text, id_columns=2):
            key = (row.fields[0].strip(), row.fields[1].strip())
            if key in seen:
                check.reject(row, "Add_num", f"duplicate Add_num: {key[1]} for {key[0]} first on line {seen[key]}")
                continue
            seen[key] = row.line
            record = self._known(check, row, records)
            if record is None:
                continue
            f = row.fields
            address = AddressRow(key[0], key[1], null(f[2]), null(f[3]), null(f[4]), null(f[5]))
            record.addresses.append(address)
            if address.country:
                add_unique(record.address_countries, address.country)
        check.finish()
        return check
