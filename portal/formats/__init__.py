"""Formats of the languages Django ships none for (FORMAT_MODULE_PATH): Kazakh; and where Django's would mislead:
English short dates."""
