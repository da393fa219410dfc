from django.db import models
from django.utils import translation

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

DEFAULT_STANDARD_NOTE = (
    "This page explains general facts about immunotherapy. It does not replace advice from your "
    "care team, who know you and your health. Always follow their advice, and tell them about any "
    "new or worse symptom."
)

DEFAULT_STANDARD_NOTE_ES = (
    "Esta página explica datos generales sobre la inmunoterapia. No reemplaza los consejos de su "
    "equipo de atención, que lo conoce a usted y conoce su salud. Siga siempre sus consejos y "
    "avíseles de cualquier síntoma nuevo o que empeore."
)


def chosen_page(help_text: str) -> models.ForeignKey:
    """A page the site links to from every page; optional, and cleared if that page is deleted."""
    return models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text=help_text
    )


@register_setting(icon="site")
class PortalSettings(BaseSiteSetting):
    """Contact details and the standard note, shown on every page; one change updates them all."""

    organisation_name = models.CharField(
        max_length=120, default="Your clinic", help_text="Shown in the header and on handouts."
    )
    care_team_contact_text = models.CharField(
        max_length=200,
        default="Call your treatment team's 24-hour number.",
        help_text="One sentence telling patients how to reach the care team.",
    )
    care_team_phone = models.CharField(
        max_length=40, blank=True, help_text="The care team's 24-hour phone number, as patients dial it."
    )
    cell_therapy_team_phone = models.CharField(
        max_length=40,
        blank=True,
        help_text=(
            "The CAR-T (cell therapy) team's 24-hour number, where it differs from the care team's. "
            "Empty: callouts for the CAR-T team show the care team's number."
        ),
    )
    emergency_number = models.CharField(
        max_length=20, default="999", help_text="The local emergency number, for example 999, 911 or 112."
    )
    standard_note = models.TextField(
        default=DEFAULT_STANDARD_NOTE,
        max_length=600,
        help_text="The note on every page that this information does not replace the care team's advice.",
    )
    # The same words for Spanish pages (translated, then signed off like a page's translation).
    care_team_contact_text_es = models.CharField(
        "care team contact text (Spanish)", max_length=200, blank=True, help_text="Empty: the English text is shown."
    )
    standard_note_es = models.TextField(
        "standard note (Spanish)",
        default=DEFAULT_STANDARD_NOTE_ES,
        max_length=600,
        blank=True,
        help_text="Empty: the English note is shown.",
    )
    help_page = chosen_page("The 'Get help now' page that the header links to from every page.")
    alert_card_page = chosen_page(
        "The page with the printable alert card, linked from every therapy page. Empty: no link."
    )
    clinician_page = chosen_page(
        "The short page for doctors and emergency teams that the alert card's QR code opens. "
        "Empty: the card has no QR code."
    )
    privacy_page = chosen_page(
        "The privacy notice, linked from the footer of every page and every embed. "
        "Empty: the top-level page at /privacy/."
    )
    accessibility_page = chosen_page(
        "The accessibility statement, linked from the footer of every page and every embed. "
        "Empty: the top-level page at /accessibility/."
    )

    panels = [
        FieldPanel("organisation_name"),
        MultiFieldPanel(
            [
                FieldPanel("care_team_contact_text"),
                FieldPanel("care_team_phone"),
                FieldPanel("cell_therapy_team_phone"),
                FieldPanel("emergency_number"),
            ],
            heading="Contact numbers",
        ),
        FieldPanel("standard_note"),
        MultiFieldPanel(
            [FieldPanel("care_team_contact_text_es"), FieldPanel("standard_note_es")], heading="In Spanish"
        ),
        FieldPanel("help_page"),
        MultiFieldPanel([FieldPanel("alert_card_page"), FieldPanel("clinician_page")], heading="Alert card"),
        MultiFieldPanel([FieldPanel("privacy_page"), FieldPanel("accessibility_page")], heading="Footer links"),
    ]

    class Meta:
        verbose_name = "portal settings"

    def _in_reader_language(self, field: str) -> str:
        """A text setting in the language the page is read in, or in English where it has none."""
        language = translation.get_language() or ""
        return getattr(self, f"{field}_{language}", "") or getattr(self, field)

    @property
    def shown_standard_note(self) -> str:
        return self._in_reader_language("standard_note")

    @property
    def shown_contact_text(self) -> str:
        return self._in_reader_language("care_team_contact_text")

    @property
    def care_team_phone_href(self) -> str:
        return tel_href(self.care_team_phone)

    def team_phone(self, team: str) -> str:
        """The number a callout for `team` shows (blocks.TEAMS)."""
        return (self.cell_therapy_team_phone if team == "cell_therapy" else "") or self.care_team_phone

    @property
    def emergency_number_href(self) -> str:
        return "tel:" + "".join(ch for ch in self.emergency_number if ch.isdigit())


def tel_href(number: str) -> str:
    """A tel: link a phone dials as written ("0000 000 000" → tel:0000000000)."""
    return "tel:" + "".join(ch for ch in number if ch.isdigit() or ch == "+")
