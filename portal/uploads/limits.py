"""What one uploaded table may hold (settings, see README "Configuration")."""

from dataclasses import dataclass

from django.conf import settings

MB = 1024 * 1024
CELL_CHARACTERS = 32_767  # the most a spreadsheet cell holds (Excel's limit)


@dataclass(frozen=True)
class Limits:
    rows: int  # below the header, blank ones included
    columns: int  # up to the last cell with a value, in any row
    cells: int  # every cell read, empty ones included (also bounds an XLSX workbook's shared strings)
    unpacked_bytes: int  # what the parts of an XLSX workbook unpack to, together

    @classmethod
    def in_request(cls) -> "Limits":
        """A return's lines or a deposit's surveys: read while the person waits."""
        return cls(
            rows=settings.UPLOAD_REQUEST_MAX_ROWS,
            columns=settings.UPLOAD_MAX_COLUMNS,
            cells=settings.UPLOAD_REQUEST_MAX_CELLS,
            unpacked_bytes=settings.UPLOAD_REQUEST_MAX_UNPACKED_MB * MB,
        )

    @classmethod
    def in_worker(cls) -> "Limits":
        """Monitoring results: read by a worker, a million rows and more."""
        return cls(
            rows=settings.UPLOAD_WORKER_MAX_ROWS,
            columns=settings.UPLOAD_MAX_COLUMNS,
            cells=settings.UPLOAD_WORKER_MAX_CELLS,
            unpacked_bytes=settings.UPLOAD_WORKER_MAX_UNPACKED_MB * MB,
        )
