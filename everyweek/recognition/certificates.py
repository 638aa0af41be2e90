"""Award certificates as PDF (fpdf2), in the recipient's language, with a Thai-capable TTF embedded."""

from __future__ import annotations

from django.utils import formats, translation
from django.utils.translation import gettext
from fpdf import FPDF

from everyweek.recognition.cards import font_path
from everyweek.recognition.models import Nomination


def certificate_pdf(nomination: Nomination) -> bytes:
    person = nomination.nominee
    programme = nomination.programme
    with translation.override(person.locale or None):
        title = gettext("Certificate of recognition")
        line = gettext("is recognised in the %(award)s") % {"award": programme.name}
        place = (
            gettext("Winner")
            if nomination.rank == 1
            else gettext("Place %(rank)s") % {"rank": nomination.rank}
        )
        when = formats.date_format(
            programme.published_at or programme.nominations_close, "DATE_FORMAT"
        )
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(title)
    pdf.add_page()
    path = font_path("th")
    if path:
        # The TTF is embedded (as a subset), so Thai, Italian and German all print as text.
        pdf.add_font("everyweek", fname=path)
        family = "everyweek"
    else:  # pragma: no cover - the project installs fonts-thai-tlwg
        family = "helvetica"
    pdf.set_draw_color(11, 92, 173)
    pdf.set_line_width(2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_y(40)
    pdf.set_font(family, size=34)
    pdf.cell(0, 20, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=40)
    pdf.cell(0, 30, person.get_full_name(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=20)
    pdf.multi_cell(0, 12, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 14, place, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=14)
    pdf.multi_cell(0, 9, nomination.reason[:400], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 12, when, align="C")
    return bytes(pdf.output())
