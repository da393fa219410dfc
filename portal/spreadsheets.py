"""Admin exports that a spreadsheet program cannot run as formulas.

Exports carry text typed by the public (feedback comments, search terms) and by staff (reasons,
titles). Excel and LibreOffice run a CSV cell that begins with =, +, -, @, a tab or a carriage
return as a formula, so a comment such as =HYPERLINK(…) could send data away or mislead whoever
opens the file (CSV injection). Such a cell is written with a leading apostrophe, which
spreadsheets show as plain text. XLSX cells are typed, and Wagtail already writes them as text.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class FormulaSafeExportMixin:
    """For any Wagtail view with spreadsheet export (reports, model and snippet listings)."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return as_text_cell(value) if export_format == self.FORMAT_CSV else value
