"""English formats beside Django's (which it falls back to for everything else): short dates in ISO 8601
("2025-04-01"), which readers of an English page in Kazakhstan read one way only, not the American "04/01/2025"."""

SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
