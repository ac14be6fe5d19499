"""The files a filer fills in to load a report's releases or its transfers, made and read as the returns' file is
(registry.returns.template): headings in any of the portal's languages or by the API's field names."""

from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse

from registry.releases.checks import LABEL_MODELS, RELEASE_FIELDS, TRANSFER_FIELDS
from registry.returns import template
from registry.returns.checks import field_label

PARTS = {"releases": RELEASE_FIELDS, "transfers": TRANSFER_FIELDS}
EXAMPLES: dict[str, dict[str, object]] = {
    "releases": {"medium": "air", "substance": "SOx", "source": "0001", "kg_per_year": Decimal(1250000),
                 "method": "M", "note": ""},
    "transfers": {"direction": "sent", "waste_code": "10 05 01", "operation": "D5", "counterpart_bin": "",
                  "tonnes": Decimal(120)},
}  # fmt: skip


def label(name: str) -> str:
    return field_label(name, LABEL_MODELS)


def template_response(*, part: str, extension: str) -> HttpResponse:
    return template.template_response(
        extension=extension, fields=PARTS[part], example=EXAMPLES[part], label=label, name=f"release-{part}"
    )


def read_lines(upload: UploadedFile, *, part: str) -> list[dict[str, str]]:
    return template.read_lines(upload, PARTS[part], label)
