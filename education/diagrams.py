"""The vetted diagrams an editor can place with a figure block.

Editors pick from this list and never upload drawings: each diagram is a template in
templates/diagrams/ drawn once, checked for contrast and reflow by the tests, with labels as real
SVG text. A diagram is made of panels (one small SVG each) that sit side by side on a wide screen
and stack on a phone, so the labels keep their size instead of shrinking with the whole drawing.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagram:
    """One drawing: its key (what a content file names), the name editors see, and its sources."""

    key: str
    name: str
    # Reference keys (education/content/references.yaml) the drawing's facts come from: a page
    # showing the diagram must cite them.
    sources: tuple[str, ...]
    # "pairs": panels about 320 units wide, two to a row at most; "steps": narrow numbered panels
    # (150 units), up to five to a row and two on a phone.
    layout: str = "pairs"

    @property
    def template(self) -> str:
        return f"diagrams/{self.key}.html"


DIAGRAMS: dict[str, Diagram] = {
    diagram.key: diagram
    for diagram in (
        Diagram("immune_check", "How a T cell spots a cell that has gone wrong", ("NCI-IT",)),
        Diagram(
            "checkpoint_switch", "A checkpoint as an off switch, and how the medicine blocks it", ("NCI-ICI", "ACS-ICI")
        ),
        Diagram(
            "car_t_journey",
            "The CAR T-cell journey in five steps",
            ("CRUK-CART", "MSK-CART", "BCUK", "FDA-REMS-2025"),
            "steps",
        ),
        Diagram("antibody_flag", "How a monoclonal antibody flags a cancer cell", ("CRUK-MAB", "MAYO-MAB")),
        Diagram(
            "side_effect_timing", "When side effects can start, and when to call", ("ESMO-PG", "NCI-SE", "COUEY2019")
        ),
    )
}


def diagram_choices() -> list[tuple[str, str]]:
    """The choices of the figure block (read when the form is built, so a new diagram needs no migration)."""
    return [(diagram.key, diagram.name) for diagram in DIAGRAMS.values()]
