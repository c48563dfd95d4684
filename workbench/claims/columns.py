"""The columns of the two input files, how each is read, and what a bad value is called."""

from dataclasses import dataclass
from enum import StrEnum

SETTINGS = ("inpatient", "ed", "outpatient", "professional", "pharmacy", "other")
DX_SEPARATOR = ";"
SETTING_TYPE = "claim_setting"
# Four decimal places keep sub-cent amounts exact; sums come back as DECIMAL(38, 4).
AMOUNT_TYPE = "DECIMAL(18, 4)"
TEXT_TYPES = ("VARCHAR",)


class Kind(StrEnum):
    TEXT = "text"
    MONTH = "month"
    DATE = "date"
    SETTING = "setting"
    AMOUNT = "amount"
    CODES = "codes"


@dataclass(frozen=True)
class Column:
    """One input column: its name in the header, what it holds and whether a value is required."""

    name: str
    kind: Kind
    required: bool = True
    # What it holds, as the upload page and docs/claims-format.md say it (`code` in backticks).
    description: str = ""

    @property
    def csv_type(self) -> str:
        """The type DuckDB's CSV reader parses this column as (its fastest way to type it)."""
        return _CSV_TYPES.get(self.kind, "VARCHAR")

    def read(self, source_type: str, lenient: bool = False) -> str:
        """Return SQL typing the raw column (NULL for a bad value when `lenient`)."""
        raw = quoted_name(self.name)
        if source_type == _CSV_TYPES.get(self.kind):
            return raw
        if self.kind in (Kind.MONTH, Kind.DATE) and _is_temporal(source_type):
            part = "month" if self.kind is Kind.MONTH else "day"
            return f"CAST(date_trunc('{part}', {raw}) AS DATE)"
        cast = "TRY_CAST" if lenient else "CAST"
        if self.kind is Kind.AMOUNT:
            # Numbers and text alike: DECIMAL takes both.
            return f"{cast}({raw} AS {AMOUNT_TYPE})"
        # Anything else is read as text first: a month stored as 202401 then fails as text does.
        text = raw if source_type in TEXT_TYPES else f"CAST({raw} AS VARCHAR)"
        if self.kind is Kind.MONTH:
            parse = "try_strptime" if lenient else "strptime"
            return f"CAST({parse}({text}, '%Y-%m') AS DATE)"
        if self.kind is Kind.DATE:
            return f"{cast}({text} AS DATE)"
        if self.kind is Kind.SETTING:
            return f"{cast}({text} AS {SETTING_TYPE})"
        return text

    def problem(self, missing: bool) -> str:
        """Say what is wrong with a value this column could not read, without the value."""
        if missing:
            return "no value (the column is required)"
        return f"not {_EXPECTED[self.kind]}"


# The month stays text: DuckDB's reader would take a whole date, not YYYY-MM.
_CSV_TYPES = {Kind.DATE: "DATE", Kind.SETTING: SETTING_TYPE, Kind.AMOUNT: AMOUNT_TYPE}
_EXPECTED = {
    Kind.MONTH: "a month in YYYY-MM form (2024-01)",
    Kind.DATE: "a date in YYYY-MM-DD form (2024-01-31)",
    Kind.SETTING: f"one of the settings {', '.join(SETTINGS[:-1])} or {SETTINGS[-1]}",
    Kind.AMOUNT: "an amount (a decimal number such as 1234.56 or -80.00)",
    Kind.TEXT: "text",
    Kind.CODES: "a list of codes",
}

MEMBER_COLUMNS = (
    Column(
        "member_id",
        Kind.TEXT,
        description="the payer's member identifier (any text; it never leaves the sizing)",
    ),
    Column("payer", Kind.TEXT, description="the payer's or plan's name, as in the claims file"),
    Column(
        "month",
        Kind.MONTH,
        description="a month enrolled, `YYYY-MM` "
        "(a Parquet date or timestamp is read as its month)",
    ),
)
CLAIM_COLUMNS = (
    Column("claim_id", Kind.TEXT, required=False, description="the claim's identifier"),
    Column("member_id", Kind.TEXT, description="the member, as in the eligibility file"),
    Column("payer", Kind.TEXT, description="the payer, as in the eligibility file"),
    Column("service_date", Kind.DATE, description="`YYYY-MM-DD`"),
    Column(
        "setting",
        Kind.SETTING,
        description="one of " + ", ".join(f"`{setting}`" for setting in SETTINGS),
    ),
    Column(
        "allowed_amount",
        Kind.AMOUNT,
        description="the allowed amount, a decimal number (`1234.56`; a reversal is negative, "
        "`-80.00`)",
    ),
    Column(
        "dx_codes",
        Kind.CODES,
        required=False,
        description=f"ICD-10 codes separated by `{DX_SEPARATOR}` (`F32.9{DX_SEPARATOR}E11.9`); "
        "with or without the dot",
    ),
)


def markdown_table(columns: tuple[Column, ...]) -> str:
    """The columns as the table docs/claims-format.md shows (a test keeps the two the same)."""
    lines = ["| column | required | what it holds |", "|---|---|---|"]
    lines += [
        f"| `{column.name}` | {'yes' if column.required else 'no'} | {column.description} |"
        for column in columns
    ]
    return "\n".join(lines)


def _is_temporal(source_type: str) -> bool:
    return source_type == "DATE" or source_type.startswith("TIMESTAMP")


def quoted_name(name: str) -> str:
    """Quote an identifier for SQL."""
    return '"' + name.replace('"', '""') + '"'


def quoted_text(text: str) -> str:
    """Quote a string literal for SQL."""
    return "'" + text.replace("'", "''") + "'"


def setting_type_sql() -> str:
    """Return the statement creating the ENUM that a setting is cast to (unknown ones fail)."""
    values = ", ".join(quoted_text(setting) for setting in SETTINGS)
    return f"CREATE TYPE {SETTING_TYPE} AS ENUM ({values})"
