"""The portal's content model; see docs/content-model.md."""

from .pages import (
    ArticlePage,
    ConditionPage,
    FAQIndexPage,
    GlossaryPage,
    HomePage,
    ReferenceIndexPage,
    SectionPage,
    TherapyTypePage,
)
from .settings import PortalSettings
from .snippets import FAQ, FAQTopic, GlossaryTerm, Reference
from .sync import LoadedContent

__all__ = [
    "FAQ",
    "ArticlePage",
    "ConditionPage",
    "FAQIndexPage",
    "FAQTopic",
    "GlossaryPage",
    "GlossaryTerm",
    "HomePage",
    "LoadedContent",
    "PortalSettings",
    "Reference",
    "ReferenceIndexPage",
    "SectionPage",
    "TherapyTypePage",
]
