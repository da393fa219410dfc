"""What a clinical code means beyond its characters, for the codes editors put on pages.

ICD-10-CM is a hierarchy the code itself spells out: a category is three characters (C43, melanoma
of skin), a subcode adds up to four more (C43.9), and a chapter's blocks are ranges of categories
(C00-D49, neoplasms). So a page coded for a category also answers its subcodes, and a page coded
for a block answers every category in it. Other systems match exactly: their hierarchies (SNOMED
CT's is-a graph) are not in the portal, so a broad page is found through the page tree instead
(integrations/infobutton.py).
"""

import re
from enum import IntEnum

ICD10CM_CODE = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?")
ICD10CM_BLOCK = re.compile(r"([A-Z][0-9][0-9A-Z])-([A-Z][0-9][0-9A-Z])")
ICD10CM_CATEGORY_LENGTH = 3


class Closeness(IntEnum):
    """How closely a page's code matches the code asked for; lower is closer, and is shown first."""

    EXACT = 0
    PARENT = 1  # a less specific code the asked one extends: the category C43 for C43.9
    HUB = 2  # a block of categories (C00-D49), or a broad page above a matched one


def is_icd10cm(code: str) -> bool:
    """A category, a subcode (with or without its dot) or a block of categories."""
    code = code.strip().upper()
    return bool(ICD10CM_CODE.fullmatch(code) or ICD10CM_BLOCK.fullmatch(code))


def _icd10cm(code: str) -> str:
    return code.strip().upper().replace(".", "")


def icd10cm_closeness(page_code: str, asked: str) -> tuple[Closeness, int] | None:
    """How `page_code` answers `asked`, with how many characters matched (more is more specific).

    Only whole categories and longer codes are parents, so a stray "C4" never answers C43; a code
    that is not ICD-10-CM's shape matches only itself.
    """
    page, asked = _icd10cm(page_code), _icd10cm(asked)
    if page == asked:
        return Closeness.EXACT, len(page)
    if not ICD10CM_CODE.fullmatch(asked):
        return None
    if block := ICD10CM_BLOCK.fullmatch(page):
        first, last = block.groups()
        return (Closeness.HUB, 0) if first <= asked[:ICD10CM_CATEGORY_LENGTH] <= last else None
    if ICD10CM_CODE.fullmatch(page) and asked.startswith(page):
        return Closeness.PARENT, len(page)
    return None


def closeness(system: str, page_code: str, asked: str) -> tuple[Closeness, int] | None:
    """How a page's code in `system` answers the code a health record asked for, or None."""
    if system == "icd10cm":
        return icd10cm_closeness(page_code, asked)
    if page_code.strip().lower() == asked.strip().lower():
        return Closeness.EXACT, len(page_code.strip())
    return None
